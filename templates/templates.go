// Package templates embeds Kysy's HTML templates, static assets and
// translations, so the binary runs from any directory. It imports no other
// Kysy package and holds no logic beyond formatting.
package templates

import "embed"

// FS holds *.html pages, static/ assets and i18n/ message files.
//
//go:embed *.html static i18n
var FS embed.FS
