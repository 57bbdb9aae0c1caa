package stdcode

import (
	"strconv"
	"time"
)

// idWeights are the GB 11643-1999 weights, 2^(18-i) mod 11.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

// earliestBirth is the earliest birth date accepted.
var earliestBirth = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// IDResult describes a resident ID number that passed CheckIDNumber.
type IDResult struct {
	Number   string    // normalised number
	Division string    // positions 1–6; advisory, old codes persist
	Birth    time.Time // positions 7–14, midnight UTC
	Male     bool      // the sequence digit (position 17) is odd
}

// CheckIDNumber normalises s and checks it as an 18-digit resident ID number
// (GB 11643-1999); today bounds the birth date (pass time.Now()). Errors are
// *Error with code "length", "charset", "birth_date" or "check". The
// division code is not checked: old codes persist on valid numbers.
func CheckIDNumber(s string, today time.Time) (IDResult, error) {
	n := normalize(s)
	if err := checkChars(n, 18, termIDNumber, termHintID15, idAllowed); err != nil {
		return IDResult{}, err
	}
	birth, err := idBirth(n[6:14], today)
	if err != nil {
		return IDResult{}, err
	}
	if want := idCheck(n[:17]); n[17] != want {
		return IDResult{}, newError(CodeCheck, termIDNumber, string(want), n[17:])
	}
	return IDResult{Number: n, Division: n[:6], Birth: birth, Male: (n[16]-'0')%2 == 1}, nil
}

// IDCheckChar returns the check character ('0'–'9' or 'X') for the first 17
// digits of a resident ID number, after normalising them. Errors are *Error
// with code "length" or "charset".
func IDCheckChar(first17 string) (byte, error) {
	s := normalize(first17)
	if err := checkChars(s, 17, termIDBody, termNoHint, idAllowed); err != nil {
		return 0, err
	}
	return idCheck(s), nil
}

func idAllowed(i int, r rune) (bool, term) {
	if i == 17 {
		return r >= '0' && r <= '9' || r == 'X', termAllowedIDCheck
	}
	return r >= '0' && r <= '9', termAllowedIDDigit
}

// idBirth parses YYYYMMDD (8 digits) and checks it is a real date between
// 1900-01-01 and today's date (in today's location).
func idBirth(ymd string, today time.Time) (time.Time, *Error) {
	y, _ := strconv.Atoi(ymd[:4])
	m, _ := strconv.Atoi(ymd[4:6])
	d, _ := strconv.Atoi(ymd[6:])
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if birth.Year() != y || int(birth.Month()) != m || birth.Day() != d {
		return time.Time{}, newError(CodeBirthDate, termIDNumber, ymd, termBirthNotReal)
	}
	if birth.Before(earliestBirth) {
		return time.Time{}, newError(CodeBirthDate, termIDNumber, ymd, termBirthTooEarly)
	}
	ty, tm, td := today.Date()
	if birth.After(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, newError(CodeBirthDate, termIDNumber, ymd, termBirthFuture)
	}
	return birth, nil
}

// idCheck computes the check character of 17 digits.
func idCheck(s string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}
