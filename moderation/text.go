package moderation

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CleanQuestionText applies the text policy of SPEC §4.2 and I8: valid
// UTF-8, no control characters but tab and newlines, 1..maxChars
// characters after trimming. It returns the text in NFC with Unix newlines.
func CleanQuestionText(s string, maxChars int) (string, error) {
	if !utf8.ValidString(s) {
		return "", Invalid("invalid_utf8", "The text is not valid UTF-8.")
	}
	if strings.ContainsFunc(s, isForbiddenControl) {
		return "", Invalid("invalid_characters", "The text contains control characters that are not allowed.")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = norm.NFC.String(strings.TrimSpace(s))
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return "", Invalid("text_required", "Write a question first.")
	}
	if n > maxChars {
		return "", Invalid("text_too_long", "The question is too long.")
	}
	return s, nil
}

// isForbiddenControl reports a control character other than tab and
// newlines (SPEC I8).
func isForbiddenControl(r rune) bool {
	return r != '\t' && r != '\n' && r != '\r' && unicode.IsControl(r)
}

// Languages are the languages Kysy speaks, in order of preference.
var Languages = []string{"fi", "sv", "en"}

// ValidLang reports whether lang is one of Languages.
func ValidLang(lang string) bool {
	return lang == "fi" || lang == "sv" || lang == "en"
}

var langWords = map[string][]string{
	"fi": {"ja", "on", "ei", "että", "mun", "mä", "minä", "olen", "oon", "voiko", "jos", "mitä", "kun", "se", "äiti", "isä", "sossu", "mutta", "miten", "voinko", "koulu", "kotona", "minun", "tai", "saako", "pitää", "onko", "ku", "mut", "mua", "mulla", "kanssa"},
	"sv": {"och", "är", "jag", "inte", "att", "det", "min", "mig", "får", "kan", "om", "har", "pappa", "mamma", "vad", "hur", "med", "till", "som", "en", "ett", "skolan", "hemma", "socialen", "vill"},
	"en": {"and", "is", "the", "i", "my", "not", "can", "if", "what", "how", "me", "to", "with", "do", "mom", "dad", "social", "worker", "school", "home", "will", "they", "am", "are", "of"},
}

// DetectLang guesses fi, sv or en from common words; Finnish wins ties,
// since most questions are Finnish.
func DetectLang(s string) string {
	scores := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		for lang, words := range langWords {
			for _, x := range words {
				if w == x {
					scores[lang]++
				}
			}
		}
	}
	if strings.ContainsRune(strings.ToLower(s), 'å') {
		scores["sv"] += 2
	}
	best := "fi"
	for _, lang := range Languages {
		if scores[lang] > scores[best] {
			best = lang
		}
	}
	return best
}
