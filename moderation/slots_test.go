package moderation_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"kysy/moderation"
)

func TestParseSlotsErrorsNameTheSlot(t *testing.T) {
	for _, tc := range []struct {
		specs []string
		want  string
	}{
		{[]string{"0 15 * * 1,3,5", "0 25 * * *"}, `Slot 2 ("0 25 * * *")`},
		{[]string{"every monday"}, `Slot 1 ("every monday")`},
		{[]string{"0 15 * * *", "0  15 * * *"}, "listed twice"},
		{[]string{"0 12 30 2 *"}, "never comes"},
		{[]string{"CRON_TZ=UTC 0 12 * * *"}, "scheduler.timezone"},
		{[]string{"@every 1m"}, `Slot 1 ("@every 1m")`},
	} {
		_, err := moderation.ParseSlots(tc.specs)
		var me *moderation.Error
		if !errors.As(err, &me) || me.Code != "invalid_slots" || !strings.Contains(me.Message, tc.want) {
			t.Errorf("%q: %v, want invalid_slots naming %q", tc.specs, err, tc.want)
		}
	}
	if _, err := moderation.ParseSlots([]string{"0 15 * * 1,3,5", "30 9 * * 1-5"}); err != nil {
		t.Fatal(err)
	}
}

func TestNextSlotAcrossDaylightSaving(t *testing.T) {
	hel, _ := time.LoadLocation("Europe/Helsinki")
	scheds, err := moderation.ParseSlots([]string{"0 15 * * *"})
	if err != nil {
		t.Fatal(err)
	}
	// Summer time ends on Sunday 25 October 2026 at 04:00 EEST: 15:00 in
	// Helsinki is 12:00 UTC the day before and 13:00 UTC the day after.
	got := moderation.NextSlot(scheds, hel, time.Date(2026, 10, 24, 12, 30, 0, 0, time.UTC), nil)
	if want := time.Date(2026, 10, 25, 13, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("after the change: %v, want %v (15:00 EET)", got.UTC(), want)
	}
	got = moderation.NextSlot(scheds, hel, time.Date(2026, 10, 24, 11, 0, 0, 0, time.UTC), nil)
	if want := time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("before the change: %v, want %v (15:00 EEST)", got.UTC(), want)
	}
	// Summer time starts on 29 March 2026: 03:30 does not exist that night.
	night, _ := moderation.ParseSlots([]string{"30 3 * * *"})
	got = moderation.NextSlot(night, hel, time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC), nil)
	if l := got.In(hel); l.Day() == 29 && l.Hour() == 3 && l.Minute() == 30 {
		t.Fatalf("a slot at a time that does not exist: %v", l)
	}
	if got.IsZero() || got.Before(time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC)) {
		t.Fatalf("next slot %v", got)
	}
	// Taken slots are skipped.
	first := moderation.NextSlot(scheds, hel, time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), nil)
	second := moderation.NextSlot(scheds, hel, time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), []time.Time{first})
	if !second.Equal(first.Add(24 * time.Hour)) {
		t.Fatalf("with %v taken the next slot is %v", first, second)
	}
	if !moderation.NextSlot(nil, hel, time.Now(), nil).IsZero() {
		t.Fatal("no slots gave a time")
	}
}
