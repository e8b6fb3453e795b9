package moderation

import (
	"crypto/rand"
	"crypto/sha256"
	"strings"
)

// receiptAlphabet has 32 symbols, so each character carries 5 bits; it
// leaves out I, O, 0 and 1, which are easy to misread.
const receiptAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// receiptLen is the number of symbols in a receipt: 20 × 5 = 100 bits of
// entropy (SPEC I3 asks for at least 80).
const receiptLen = 20

// ReceiptBits is the entropy of a receipt code in bits.
const ReceiptBits = receiptLen * 5

// newReceipt returns a fresh receipt code, formatted in groups of four:
// ABCD-EFGH-JKLM-NPQR-STUV.
func newReceipt() string {
	var raw [receiptLen]byte
	// rand.Read never fails on Linux (Go 1.24+ crashes the program instead).
	rand.Read(raw[:])
	var b strings.Builder
	b.Grow(receiptLen + receiptLen/4 - 1)
	for i, r := range raw {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		// 256 is a multiple of 32, so the low five bits are uniform.
		b.WriteByte(receiptAlphabet[r&31])
	}
	return b.String()
}

// normalizeReceipt folds what a person may type (lower case, spaces,
// dashes) into the canonical 20 symbols. ok is false when it cannot be a
// receipt at all.
func normalizeReceipt(s string) (string, bool) {
	var b strings.Builder
	b.Grow(receiptLen)
	for _, r := range s {
		switch {
		case r == '-' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '.' || r == '\u00a0':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if r > 127 || strings.IndexByte(receiptAlphabet, byte(r)) < 0 {
			return "", false
		}
		if b.Len() == receiptLen {
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), b.Len() == receiptLen
}

// hashReceipt is what is stored in place of the code. The code carries 100
// random bits, so a fast unsalted hash cannot be reversed by guessing.
func hashReceipt(canonical string) []byte {
	h := sha256.Sum256([]byte(canonical))
	return h[:]
}
