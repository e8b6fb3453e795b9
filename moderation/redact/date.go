package redact

// Exact dates of birth (SPEC §7). A child's birth date with the town and age
// is enough to identify the child, so:
//
//   - a full date (day, month, year) near a birth cue ("synt.", "synnyin",
//     "född", "born", "DOB") is matched whatever its year, and so is a day
//     and month without a year after a cue ("synttärit 12.3.");
//   - without a cue, a full date is matched when its four-digit year is
//     1990–2023 (three years or more before 2026): a birth date rather than
//     a recent meeting ("12.3.2024 tapaaminen" stays).
//
// Times (14.30), years alone, law references (417/2007), version numbers
// and IP addresses are not dates.

import (
	"strings"
)

const (
	dateMinYearNoCue = 1990
	dateMaxYearNoCue = 2023
)

// dateMonths maps month names (fi partitive and genitive, sv, en, with
// common abbreviations) to month numbers.
var dateMonths = map[string]int{
	"tammikuuta": 1, "helmikuuta": 2, "maaliskuuta": 3, "huhtikuuta": 4, "toukokuuta": 5, "kesäkuuta": 6,
	"heinäkuuta": 7, "elokuuta": 8, "syyskuuta": 9, "lokakuuta": 10, "marraskuuta": 11, "joulukuuta": 12,
	"tammikuun": 1, "helmikuun": 2, "maaliskuun": 3, "huhtikuun": 4, "toukokuun": 5, "kesäkuun": 6,
	"heinäkuun": 7, "elokuun": 8, "syyskuun": 9, "lokakuun": 10, "marraskuun": 11, "joulukuun": 12,
	"tammik": 1, "helmik": 2, "maalisk": 3, "huhtik": 4, "toukok": 5, "kesäk": 6, "heinäk": 7, "elok": 8,
	"syysk": 9, "lokak": 10, "marrask": 11, "jouluk": 12,
	"januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7, "augusti": 8,
	"september": 9, "oktober": 10, "november": 11, "december": 12,
	"january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "october": 10,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
	"okt": 10, "nov": 11, "dec": 12,
}

// dateMonthFirst are the month names that may come before the day
// ("March 12, 2010"); Finnish genitive "maaliskuun 12. päivä" is rare.
var dateMonthFirst = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true, "jan": true,
	"feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true,
	"oct": true, "nov": true, "dec": true,
}

// Birth cues: word prefixes and exact words (lower case).
var (
	dateCuePrefixes = []string{"synt", "synny", "syntym", "föd", "born", "birth", "bday", "syntt", "synttär",
		"synkk", "syndet"}
)

// detectBirthDates finds exact dates of birth.
func detectBirthDates(s string, out []match) []match {
	t := plainText(s)
	return detectBirthDatesIn(&t, out)
}

func detectBirthDatesIn(t *text, out []match) []match {
	s := t.s
	// Every date starts with a digit.
	if len(s) < 6 || t.digits == 0 {
		return out
	}
	digits := t.digitCursor()
	for i := digits.next(0); i < len(s); i = digits.next(i + 1) {
		e := txDigitEnd(s, i)
		if txWordBefore(s, i) || (i > 0 && (s[i-1] == '.' || s[i-1] == '/' || s[i-1] == ':' || s[i-1] == ',' || s[i-1] == '-') && i >= 2 && txIsDigit(s[i-2])) {
			i = e - 1
			continue
		}
		if st, end, ok := dateAt(s, i); ok {
			out = append(out, match{KindDate, st, end})
			i = end - 1
			continue
		}
		i = e - 1
	}
	return out
}

// dateAt parses a date whose first digit run starts at i and decides
// whether it is a birth date.
func dateAt(s string, i int) (start, end int, ok bool) {
	e := txDigitEnd(s, i)
	n := e - i
	if n == 4 {
		return dateISO(s, i)
	}
	if n > 2 {
		return 0, 0, false
	}
	day := atoi(s[i:e])
	// Numeric: d.m.yyyy, d/m/yyyy, d-m-yyyy, d.m.yy, "d. m. yyyy", "d.m."
	if e < len(s) && (s[e] == '.' || s[e] == '/' || s[e] == '-') {
		sep := s[e]
		j := e + 1
		sp := false
		if sep == '.' && j < len(s) && s[j] == ' ' {
			j++
			sp = true
		}
		if j < len(s) && txIsDigit(s[j]) {
			me := txDigitEnd(s, j)
			if me-j <= 2 {
				month := atoi(s[j:me])
				// The year.
				if me < len(s) && s[me] == sep {
					k := me + 1
					if sp && k < len(s) && s[k] == ' ' {
						k++
					}
					if k < len(s) && txIsDigit(s[k]) {
						ye := txDigitEnd(s, k)
						if (ye-k == 4 || ye-k == 2) && !dateContinues(s, ye) {
							year := atoi(s[k:ye])
							return dateDecide(s, i, ye, day, month, year, ye-k == 2)
						}
						return 0, 0, false
					}
					// "12.3." without a year: only after a cue.
					if sep == '.' && !sp && !dateContinues(s, me+1) && validDayMonth(day, month, 2000) && dateCue(s, i, me+1) {
						return i, me + 1, true
					}
				}
			}
			return 0, 0, false
		}
	}
	if st, en, ok := dateDayFirst(s, i, e, day); ok {
		return st, en, true
	}
	return dateMonthFirstAt(s, i, e, day)
}

// dateOrdinal returns the end of an English ordinal suffix at j ("12th").
func dateOrdinal(s string, j int) int {
	if j+1 < len(s) && !txWordAt(s, j+2) {
		a, b := s[j]|0x20, s[j+1]|0x20
		if a == 's' && b == 't' || a == 'n' && b == 'd' || a == 'r' && b == 'd' || a == 't' && b == 'h' {
			return j + 2
		}
	}
	return j
}

// dateMonthOf looks a month name up, any case.
func dateMonthOf(w string) (int, bool) {
	var buf [24]byte
	b, ok := txLower(buf[:], w)
	if !ok {
		return 0, false
	}
	m, ok := dateMonths[string(b)]
	return m, ok
}

// dateDayFirst parses "12. maaliskuuta 2010", "12 mars 2010", "12th of March
// 2010" where the day run is s[i:e].
func dateDayFirst(s string, i, e, day int) (int, int, bool) {
	j := e
	if j < len(s) && s[j] == '.' {
		j++
	} else {
		j = dateOrdinal(s, j)
	}
	if j >= len(s) || s[j] != ' ' {
		return 0, 0, false
	}
	j++
	if txHasPrefixFold(s, j, "of ") {
		j += 3
	}
	ok, _ := txLetterAt(s, j)
	if !ok {
		return 0, 0, false
	}
	we := txLetterEnd(s, j)
	month, isMonth := dateMonthOf(s[j:we])
	if !isMonth {
		return 0, 0, false
	}
	k := we
	if k < len(s) && s[k] == '.' {
		k++ // "maalisk."
	}
	if k < len(s) && s[k] == ',' {
		k++
	}
	if k+1 < len(s) && s[k] == ' ' && txIsDigit(s[k+1]) {
		ye := txDigitEnd(s, k+1)
		if ye-k-1 == 4 && !dateContinues(s, ye) {
			return dateDecide(s, i, ye, day, month, atoi(s[k+1:ye]), false)
		}
	}
	if validDayMonth(day, month, 2000) && dateCue(s, i, we) {
		return i, we, true
	}
	return 0, 0, false
}

// dateMonthFirstAt parses "March 12, 2010", "March 12th 2010" where the day
// run is s[i:e].
func dateMonthFirstAt(s string, i, e, day int) (int, int, bool) {
	if i < 2 || s[i-1] != ' ' {
		return 0, 0, false
	}
	ms := txLetterStart(s, i-1)
	if ms >= i-1 || txWordBefore(s, ms) {
		return 0, 0, false
	}
	if i-1-ms > 9 || !txLowerIn(s[ms:i-1], dateMonthFirst) {
		return 0, 0, false
	}
	month, _ := dateMonthOf(s[ms : i-1])
	k := dateOrdinal(s, e)
	if txWordAt(s, k) {
		return 0, 0, false
	}
	end := k
	if k < len(s) && s[k] == ',' {
		k++
	}
	if k+1 < len(s) && s[k] == ' ' && txIsDigit(s[k+1]) {
		ye := txDigitEnd(s, k+1)
		if ye-k-1 == 4 && !dateContinues(s, ye) {
			return dateDecide(s, ms, ye, day, month, atoi(s[k+1:ye]), false)
		}
	}
	if validDayMonth(day, month, 2000) && dateCue(s, ms, end) {
		return ms, end, true
	}
	return 0, 0, false
}

// dateISO parses "2010-03-12" (or with slashes or dots) at s[i:].
func dateISO(s string, i int) (int, int, bool) {
	e := i + 4
	if e+3 >= len(s) {
		return 0, 0, false
	}
	sep := s[e]
	if sep != '-' && sep != '/' && sep != '.' {
		return 0, 0, false
	}
	me := txDigitEnd(s, e+1)
	if me-e-1 < 1 || me-e-1 > 2 || me >= len(s) || s[me] != sep {
		return 0, 0, false
	}
	de := txDigitEnd(s, me+1)
	if de-me-1 < 1 || de-me-1 > 2 || dateContinues(s, de) {
		return 0, 0, false
	}
	return dateDecide(s, i, de, atoi(s[me+1:de]), atoi(s[e+1:me]), atoi(s[i:e]), false)
}

// dateContinues reports whether the number goes on after end (a fourth
// dotted part, more digits, a letter), so it is no date.
func dateContinues(s string, end int) bool {
	if end >= len(s) {
		return false
	}
	c := s[end]
	if txWordAt(s, end) {
		return true
	}
	return (c == '.' || c == '/' || c == '-' || c == ':' || c == ',') && end+1 < len(s) && txIsDigit(s[end+1])
}

// dateDecide validates a full date and applies the cue / year rule.
func dateDecide(s string, start, end, day, month, year int, twoDigit bool) (int, int, bool) {
	full := year
	if twoDigit {
		if year <= 26 {
			full = 2000 + year
		} else {
			full = 1900 + year
		}
	}
	if full < 1900 || full > 2100 || !validDayMonth(day, month, full) {
		return 0, 0, false
	}
	if dateCue(s, start, end) {
		return start, end, true
	}
	if !twoDigit && full >= dateMinYearNoCue && full <= dateMaxYearNoCue {
		return start, end, true
	}
	return 0, 0, false
}

func validDayMonth(day, month, year int) bool {
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month]
	if month == 2 && (year%4 == 0 && (year%100 != 0 || year%400 == 0)) {
		days = 29
	}
	return day <= days
}

// dateCue reports a birth cue within a few words before the date (or just
// after it: "12.3.2010 syntynyt").
func dateCue(s string, start, end int) bool {
	from := start - 48
	if from < 0 {
		from = 0
	}
	from = txRuneStartAfter(s, from)
	// Do not look past the start of the sentence before the date.
	for k := start - 1; k > from; k-- {
		if c := s[k]; (c == '!' || c == '?' || c == '\n') || (c == '.' && k+1 < len(s) && s[k+1] == ' ' && k >= 2 && txIsASCIILetter(s[k-1]) && txIsASCIILetter(s[k-2])) {
			from = k + 1
			break
		}
	}
	if txCueWords(s, from, start, dateCuePrefixes, nil) || dateShortCue(s, txRuneStartAfter(s, start-12), start) {
		return true
	}
	return txCueWords(s, end, end+24, []string{"synt", "synny", "föd", "born"}, nil)
}

var dateShortCues = txSet("dob", "bday", "född", "synt", "syntynyt", "born")

// dateShortCue finds "s.", "DOB", "d.o.b.", "b." right before the date
// (within a few bytes), where a lone letter would be too weak on its own.
func dateShortCue(s string, from, start int) bool {
	j := start
	for j > from && (s[j-1] == ' ' || s[j-1] == ':' || s[j-1] == '(' || s[j-1] == ',') && start-j < 4 {
		j--
	}
	if j > from && s[j-1] == '.' {
		// "s.", "b.", "f.", "d.o.b."
		ws := txLetterStart(s, j-1)
		w := s[ws : j-1]
		if (strings.EqualFold(w, "s") || strings.EqualFold(w, "b") || strings.EqualFold(w, "f") || strings.EqualFold(w, "synt")) && !txWordBefore(s, ws) {
			return true
		}
	}
	ws := txLetterStart(s, j)
	if ws < j {
		return txLowerIn(s[ws:j], dateShortCues)
	}
	return false
}
