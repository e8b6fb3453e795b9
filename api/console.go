package api

// consoleRoutes mounts the staff console.
func (s *Server) consoleRoutes() {}
