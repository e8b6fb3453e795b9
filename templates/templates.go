// Package templates embeds Kysy's HTML templates, static assets and
// translations, so the binary runs from any directory. It imports no other
// Kysy package and holds no logic beyond formatting.
package templates

import "embed"

// FS holds *.html pages, the staff console's console/*.html, static/
// assets and i18n/ message files.
//
//go:embed *.html caption.txt console static i18n
var FS embed.FS
