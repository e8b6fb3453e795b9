package moderation

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestReceiptFormatAndEntropy(t *testing.T) {
	if ReceiptBits < 80 {
		t.Fatalf("receipts carry %d bits, I3 needs at least 80", ReceiptBits)
	}
	if len(receiptAlphabet) != 32 {
		t.Fatalf("alphabet has %d symbols; 5 bits a symbol needs 32", len(receiptAlphabet))
	}
	re := regexp.MustCompile(`^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){4}$`)
	seen := map[string]bool{}
	counts := map[byte]int{}
	const n = 20000
	for i := 0; i < n; i++ {
		r := newReceipt()
		if !re.MatchString(r) {
			t.Fatalf("receipt %q has the wrong shape", r)
		}
		if seen[r] {
			t.Fatalf("receipt %q repeated", r)
		}
		seen[r] = true
		for j := 0; j < len(r); j++ {
			if r[j] != '-' {
				counts[r[j]]++
			}
		}
	}
	// Every symbol is used about equally (expected n*20/32 = 12500 each).
	for _, c := range []byte(receiptAlphabet) {
		if got := counts[c]; got < 11500 || got > 13500 {
			t.Errorf("symbol %c used %d times, expected about 12500", c, got)
		}
	}
}

func TestNormalizeReceipt(t *testing.T) {
	canon := "ABCDEFGHJKLMNPQRSTUV"
	for _, in := range []string{"ABCD-EFGH-JKLM-NPQR-STUV", "abcd-efgh-jklm-npqr-stuv", " abcd efgh jklm npqr stuv ", "ABCDEFGHJKLMNPQRSTUV", "abcd.efgh.jklm.npqr.stuv"} {
		if got, ok := normalizeReceipt(in); !ok || got != canon {
			t.Errorf("normalizeReceipt(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "ABCD", "ABCD-EFGH-JKLM-NPQR-STUV-W", "ABCD-EFGH-JKLM-NPQR-STU0", "ABCD-EFGH-JKLM-NPQR-STUÄ", "ABCD-EFGH-JKLM-NPQR-STU1", strings.Repeat("A", 1000)} {
		if got, ok := normalizeReceipt(in); ok {
			t.Errorf("normalizeReceipt(%q) = %q, want not ok", in, got)
		}
	}
	if !bytes.Equal(hashReceipt(canon), hashReceipt(canon)) || bytes.Equal(hashReceipt(canon), hashReceipt("ABCDEFGHJKLMNPQRSTUW")) {
		t.Fatal("hashReceipt is not a function of the code")
	}
	if len(hashReceipt(canon)) != 32 {
		t.Fatal("receipt hash is not SHA-256")
	}
}
