package instagram

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Instagram's caption limits (Content Publishing: captions are limited to
// 2,200 characters, 30 hashtags and 20 @ tags).
const (
	MaxCaptionRunes = 2200
	// MaxHashtagsInstagram is Instagram's own ceiling; max_hashtags above it
	// is clamped.
	MaxHashtagsInstagram = 30
	// DefaultMaxHashtags is channels.instagram.max_hashtags' default, used
	// when CheckCaption gets a negative limit.
	DefaultMaxHashtags = 5
)

// CaptionError names the Instagram rule a caption breaks and the numbers.
type CaptionError struct {
	// Rule is "length" or "hashtags".
	Rule string
	// Got is the caption's count, Limit the allowed maximum.
	Got, Limit int
}

// Error names the rule and the numbers.
func (e *CaptionError) Error() string {
	if e.Rule == "hashtags" {
		return fmt.Sprintf("instagram: caption has %d hashtags; at most %d are allowed (channels.instagram.max_hashtags)", e.Got, e.Limit)
	}
	return fmt.Sprintf("instagram: caption is %d characters; Instagram allows at most %d", e.Got, e.Limit)
}

// Explain is the message for a comms worker, in Finnish ("fi") or English.
func (e *CaptionError) Explain(lang string) string {
	if isFinnish(lang) {
		if e.Rule == "hashtags" {
			return fmt.Sprintf("Instagram-tekstissä on %d aihetunnistetta (#), mutta sallittu enimmäismäärä on %d. Poista %d aihetunnistetta.", e.Got, e.Limit, e.Got-e.Limit)
		}
		return fmt.Sprintf("Instagram-teksti on %d merkkiä, mutta Instagram sallii enintään %d. Lyhennä tekstiä %d merkillä.", e.Got, e.Limit, e.Got-e.Limit)
	}
	if e.Rule == "hashtags" {
		return fmt.Sprintf("The Instagram caption has %d hashtags (#) but at most %d are allowed. Remove %d.", e.Got, e.Limit, e.Got-e.Limit)
	}
	return fmt.Sprintf("The Instagram caption is %d characters but Instagram allows at most %d. Shorten it by %d.", e.Got, e.Limit, e.Got-e.Limit)
}

// CheckCaption applies Instagram's rules when a post is scheduled, not when
// it fails: at most 2,200 characters (counted as Unicode code points, so "ä"
// is one) and at most maxHashtags hashtags (a negative maxHashtags means the
// default 5; anything above Instagram's 30 is clamped to 30). Both broken
// rules are reported, each as a *CaptionError.
func CheckCaption(caption string, maxHashtags int) error {
	if maxHashtags < 0 {
		maxHashtags = DefaultMaxHashtags
	}
	if maxHashtags > MaxHashtagsInstagram {
		maxHashtags = MaxHashtagsInstagram
	}
	var errs []error
	if n := utf8.RuneCountInString(caption); n > MaxCaptionRunes {
		errs = append(errs, &CaptionError{Rule: "length", Got: n, Limit: MaxCaptionRunes})
	}
	if n := CountHashtags(caption); n > maxHashtags {
		errs = append(errs, &CaptionError{Rule: "hashtags", Got: n, Limit: maxHashtags})
	}
	return errors.Join(errs...)
}

// CountHashtags counts #word tokens: a '#' that does not follow a word
// character, followed by at least one letter, digit or '_'. "#kysy",
// "(#mielenterveys)", "#ä" and "##tag" (once) count; "a#b", "# " and "##"
// alone do not.
func CountHashtags(s string) int {
	n := 0
	prev := rune(0)
	for i, r := range s {
		if r == '#' && !isWord(prev) {
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if isWord(next) {
				n++
			}
		}
		prev = r
	}
	return n
}

func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
