package api

// staffRoutes mounts the staff JSON API (SPEC §4.3).
func (s *Server) staffRoutes() {}
