package stdcode

// text is a message in Chinese and English.
type text struct{ zh, en string }

// term is an Arg that is translated: a key into messages. The empty term
// reads as nothing.
type term string

// Terms used in messages.
const (
	termCreditCode     term = "t.credit_code"
	termCreditBody     term = "t.credit_body"
	termOrgBody        term = "t.org_body"
	termIDNumber       term = "t.id_number"
	termIDBody         term = "t.id_body"
	termDivision       term = "t.division"
	termNoHint         term = ""
	termHintID15       term = "t.hint_id15"
	termAllowedCredit  term = "t.allowed_credit"
	termAllowedOrg     term = "t.allowed_org"
	termAllowedIDDigit term = "t.allowed_id_digit"
	termAllowedIDCheck term = "t.allowed_id_check"
	termBirthNotReal   term = "t.birth_not_real"
	termBirthTooEarly  term = "t.birth_too_early"
	termBirthFuture    term = "t.birth_future"
)

// messages holds every message and term, keyed by error code or term.
// Formats use explicit argument indexes so the languages may order them
// differently.
var messages = map[string]text{
	// Args: what, wanted length, actual length, hint.
	CodeLength: {
		"%[1]s应为 %[2]d 位，当前为 %[3]d 位%[4]s",
		"%[1]s must be %[2]d characters long, not %[3]d%[4]s",
	},
	// Args: what, position (from 1), character, what is allowed.
	CodeCharset: {
		"%[1]s第 %[2]d 位的字符 %[3]q 不允许使用：%[4]s",
		"%[1]s: position %[2]d has %[3]q, which is not allowed: %[4]s",
	},
	// Args: what, position (from 1), character.
	CodeDivision: {
		"%[1]s第 3–8 位是登记管理机关的行政区划码，只能是数字，但第 %[2]d 位是 %[3]q",
		"%[1]s: positions 3–8 are the division code of the registering authority and must be digits, but position %[2]d is %[3]q",
	},
	// Args: what, wanted check character, actual one.
	CodeCheck: {
		"%[1]s校验位应为 %[2]s，而不是 %[3]s",
		"%[1]s: check character should be %[2]s, not %[3]s",
	},
	// Args: what, organisation code (positions 9–17), wanted character at
	// position 17, actual one.
	CodeInnerCheck: {
		"%[1]s第 9–17 位的组织机构代码 %[2]s 未通过 GB 11714 校验（第 17 位应为 %[3]s，而不是 %[4]s）；请与营业执照核对，已登记的代码中也有这种情况，仅作提醒",
		"%[1]s: the organisation code %[2]s in positions 9–17 fails the GB 11714 check (position 17 should be %[3]s, not %[4]s); compare it with the licence, as some registered codes do fail it, so this is only a warning",
	},
	// Args: what, birth date as written (YYYYMMDD), what is wrong with it.
	CodeBirthDate: {
		"%[1]s第 7–14 位的出生日期 %[2]s %[3]s，请核对",
		"%[1]s: the birth date %[2]s in positions 7–14 %[3]s; please check it",
	},
	// Args: what, code as given, the accepted codes.
	CodeDivisionUnknown: {
		"%[1]s %[2]q 无法识别：只接受辽宁省、沈阳市及沈阳各区县的 6 位代码（%[3]s）",
		"%[1]s %[2]q is not recognised: only the 6-digit codes of Liaoning province, Shenyang and Shenyang's districts and counties are accepted (%[3]s)",
	},
	// Args: what, old Division, replacing Division, year of the change.
	CodeDivisionHistorical: {
		"%[1]s %[2]s已于 %[4]d 年被 %[3]s取代，请改用新代码",
		"%[1]s %[2]s was replaced by %[3]s in %[4]d; use the new code",
	},

	string(termCreditCode):     {"统一社会信用代码", "unified social credit code"},
	string(termCreditBody):     {"统一社会信用代码（不含校验位）", "unified social credit code without its check character"},
	string(termOrgBody):        {"组织机构代码（不含校验位）", "organisation code without its check character"},
	string(termIDNumber):       {"公民身份号码", "resident ID number"},
	string(termIDBody):         {"公民身份号码（不含校验码）", "resident ID number without its check character"},
	string(termDivision):       {"行政区划代码", "division code"},
	string(termHintID15):       {"（不接受 15 位的第一代身份证号码，请先转换为 18 位）", " (15-digit first-generation numbers are not accepted; convert them to 18 digits first)"},
	string(termAllowedCredit):  {"只能使用数字和除 I、O、S、V、Z 以外的大写字母", "only digits and capital letters other than I, O, S, V and Z are used"},
	string(termAllowedOrg):     {"只能使用数字和大写字母", "only digits and capital letters are used"},
	string(termAllowedIDDigit): {"前 17 位只能是数字", "the first 17 characters must be digits"},
	string(termAllowedIDCheck): {"第 18 位只能是数字或 X", "the 18th character must be a digit or X"},
	string(termBirthNotReal):   {"不是真实存在的日期", "is not a real date"},
	string(termBirthTooEarly):  {"早于 1900 年 1 月 1 日", "is before 1 January 1900"},
	string(termBirthFuture):    {"晚于今天", "is later than today"},
}
