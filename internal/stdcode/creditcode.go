package stdcode

import "strings"

// creditCharset lists the characters of a credit code in value order.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^(i-1) mod 31 for positions 1–17 (GB 32100-2015).
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights for the 8 body characters.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// CreditCodeResult describes a Unified Social Credit Code that passed
// CheckCreditCode.
type CreditCodeResult struct {
	Code         string // normalised code
	Division     string // positions 3–8: division code of the registering authority
	OrgCode      string // positions 9–17: organisation code (GB 11714)
	InnerCheckOK bool   // whether OrgCode passes its GB 11714 check
	Warning      *Error // code "inner_check" when InnerCheckOK is false
}

// CheckCreditCode normalises s and checks it as an 18-character Unified
// Social Credit Code (GB 32100-2015). Errors are *Error with code "length",
// "charset", "division" or "check". A failed GB 11714 check of the
// organisation code is not an error: it is reported in the result's Warning,
// as real registries hold such codes. Positions 1–2 are not restricted.
func CheckCreditCode(s string) (CreditCodeResult, error) {
	code := normalize(s)
	if err := checkChars(code, 18, termCreditCode, termNoHint, creditAllowed); err != nil {
		return CreditCodeResult{}, err
	}
	// code is now 18 ASCII bytes.
	for i := 2; i < 8; i++ {
		if !isDigit(code[i]) {
			return CreditCodeResult{}, newError(CodeDivision, termCreditCode, i+1, code[i:i+1])
		}
	}
	if want := creditCheck(code[:17]); code[17] != want {
		return CreditCodeResult{}, newError(CodeCheck, termCreditCode, string(want), code[17:])
	}
	res := CreditCodeResult{Code: code, Division: code[2:8], OrgCode: code[8:17], InnerCheckOK: true}
	if want := orgCheck(code[8:16]); code[16] != want {
		res.InnerCheckOK = false
		res.Warning = newError(CodeInnerCheck, termCreditCode, res.OrgCode, string(want), code[16:17])
	}
	return res, nil
}

// CreditCodeCheckChar returns the check character (position 18) for the
// first 17 characters of a credit code, after normalising them. Errors are
// *Error with code "length" or "charset".
func CreditCodeCheckChar(first17 string) (byte, error) {
	s := normalize(first17)
	if err := checkChars(s, 17, termCreditBody, termNoHint, creditAllowed); err != nil {
		return 0, err
	}
	return creditCheck(s), nil
}

// OrgCodeCheckChar returns the GB 11714 check character ('0'–'9' or 'X') for
// the first 8 characters of an organisation code, after normalising them.
// Digits and the letters A–Z are accepted. Errors are *Error with code
// "length" or "charset".
func OrgCodeCheckChar(first8 string) (byte, error) {
	s := normalize(first8)
	if err := checkChars(s, 8, termOrgBody, termNoHint, orgAllowed); err != nil {
		return 0, err
	}
	return orgCheck(s), nil
}

// allowedFunc reports whether r may stand at position i (from 0), and if
// not, the term that says what is allowed there.
type allowedFunc func(i int, r rune) (bool, term)

func creditAllowed(_ int, r rune) (bool, term) {
	return r < 0x80 && strings.IndexByte(creditCharset, byte(r)) >= 0, termAllowedCredit
}

func orgAllowed(_ int, r rune) (bool, term) {
	return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z', termAllowedOrg
}

// checkChars checks that s has n characters, each allowed.
func checkChars(s string, n int, what, hint term, allowed allowedFunc) *Error {
	runes := []rune(s)
	if len(runes) != n {
		return newError(CodeLength, what, n, len(runes), hint)
	}
	for i, r := range runes {
		if ok, t := allowed(i, r); !ok {
			return newError(CodeCharset, what, i+1, string(r), t)
		}
	}
	return nil
}

// creditCheck computes the check character of 17 valid characters.
func creditCheck(s string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditCharset, s[i]) * creditWeights[i]
	}
	return creditCharset[(31-sum%31)%31]
}

// orgCheck computes the GB 11714 check character of 8 digits or capitals.
func orgCheck(s string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		v := int(s[i] - '0')
		if s[i] >= 'A' {
			v = int(s[i]-'A') + 10
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}
