// Package tabular reads and writes the spreadsheets the bureau lives in:
// .xlsx workbooks and CSV files, safely and with limits. It is generic: it
// knows about rows, cells and headers, nothing about what they hold.
//
// Reading decides the format from the content, refuses files that are not
// what their name says, zip bombs and old binary .xls, and turns cells into
// clean strings (dates as YYYY-MM-DD, long numbers exact). Writing produces
// .xlsx templates and exports (frozen bold header, filters, drop-downs, notes)
// and CSV with a BOM; every text cell is neutralised against formula
// injection.
package tabular

import (
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

// Codes of the ways reading or writing a spreadsheet can fail. They are
// stable: callers may switch on them.
const (
	CodeTooLarge       = "file_too_large"
	CodeUnzipTooLarge  = "unzipped_too_large"
	CodeTooManyRows    = "too_many_rows"
	CodeTooManyCells   = "too_many_cells"
	CodeOldExcel       = "old_excel"
	CodeMismatch       = "name_mismatch"
	CodeUnsupported    = "unsupported_type"
	CodeCorrupt        = "corrupt_file"
	CodeEncoding       = "unknown_encoding"
	CodeCSVSyntax      = "csv_syntax"
	CodeEmpty          = "empty_file"
	CodeNoSheet        = "no_such_sheet"
	CodeExportTooLarge = "export_too_large"
)

// Error is a spreadsheet the package refuses, with a message that tells the
// user what to fix, in Chinese (the default) or English. It matches
// problem.ErrInvalid with errors.Is, so the web layer answers 422.
type Error struct {
	Code string
	Line int   // the file line or sheet row the problem is on; 0 when none
	Err  error // an underlying cause, for logs; never shown to users
	zh   string
	en   string
}

// newError builds an *Error; zh and en are format strings taking args in
// the same order.
func newError(code, zh, en string, args ...any) *Error {
	return &Error{Code: code, zh: fmt.Sprintf(zh, args...), en: fmt.Sprintf(en, args...)}
}

func (e *Error) wrap(err error) *Error { e.Err = err; return e }

func (e *Error) at(line int) *Error { e.Line = line; return e }

func (e *Error) Error() string {
	msg := "tabular: " + e.en
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Message is the text to show a user in lang ("en…" for English, anything
// else for Chinese).
func (e *Error) Message(lang string) string {
	if i18n.Normalize(lang) == i18n.EN {
		return e.en
	}
	return e.zh
}

// Unwrap lets errors.Is match problem.ErrInvalid and the cause.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{problem.ErrInvalid, e.Err}
	}
	return []error{problem.ErrInvalid}
}

func errTooLarge(limit int64) *Error {
	mb := mib(limit)
	return newError(CodeTooLarge,
		"文件超过 %s MB 上限，请拆分后分批导入",
		"The file is larger than the %s MB limit; split it and import the parts", mb)
}

func errUnzipTooLarge(limit int64) *Error {
	return newError(CodeUnzipTooLarge,
		"工作簿解压后超过 %s MB 上限（或压缩比异常），请删除多余的工作表、图片和格式，或拆分后分批导入",
		"The workbook unpacks to more than %s MB (or is compressed suspiciously well); remove extra sheets, pictures and formatting, or split it and import the parts",
		mib(limit))
}

func errTooManyRows(limit, row int) *Error {
	return newError(CodeTooManyRows,
		"数据超过 %d 行上限（到第 %d 行时），请拆分后分批导入",
		"The data has more than the %d-row limit (reached at row %d); split it and import the parts",
		limit, row).at(row)
}

func errTooManyCells(limit, row int) *Error {
	return newError(CodeTooManyCells,
		"单元格超过 %d 个上限（到第 %d 行时），请删除多余的列或拆分后分批导入",
		"The data has more than the %d-cell limit (reached at row %d); remove extra columns or split it and import the parts",
		limit, row).at(row)
}

func errOldExcel() *Error {
	return newError(CodeOldExcel,
		"这是旧版 Excel（.xls）文件或加了密码的工作簿，请在 Excel 中去掉密码并“另存为” .xlsx 格式后再导入",
		"This is an old Excel (.xls) file or a password-protected workbook; remove the password and use “Save As” .xlsx in Excel, then import that")
}

func errMismatch(named, actual string) *Error {
	return newError(CodeMismatch,
		"文件内容与文件名不符：文件名是 %s，内容却是%s。请确认选对了文件，或按实际格式改正扩展名后重新上传",
		"The file is not what its name says: it is named %s but holds %s. Check you picked the right file, or correct the extension, and upload it again",
		named, actual)
}

func errUnsupported(ext string) *Error {
	if ext == "" {
		return newError(CodeUnsupported,
			"不支持这种文件，请上传 .xlsx 或 .csv 文件",
			"This kind of file is not supported; upload an .xlsx or .csv file")
	}
	return newError(CodeUnsupported,
		"不支持 %s 文件，请上传 .xlsx 或 .csv 文件",
		"%s files are not supported; upload an .xlsx or .csv file", ext)
}

func errCorrupt(err error) *Error {
	return newError(CodeCorrupt,
		"文件已损坏或不是有效的 Excel 工作簿，请在 Excel 中打开并重新保存为 .xlsx 后再导入",
		"The file is damaged or not a valid Excel workbook; open it in Excel, save it again as .xlsx, then import that").wrap(err)
}

func errEncoding() *Error {
	return newError(CodeEncoding,
		"无法识别 CSV 文件的文字编码，请在 Excel 中“另存为”“CSV UTF-8”或 .xlsx 后再导入",
		"The CSV file's text encoding is not recognised; in Excel use “Save As” “CSV UTF-8” or .xlsx, then import that")
}

func errCSVSyntax(line int, err error) *Error {
	return newError(CodeCSVSyntax,
		"CSV 文件第 %d 行格式有误（引号不成对），请用 Excel 打开后另存为 .xlsx 再导入",
		"Line %d of the CSV file is malformed (unbalanced quotes); open it in Excel, save it as .xlsx, then import that",
		line).at(line).wrap(err)
}

func errEmpty() *Error {
	return newError(CodeEmpty,
		"文件是空的，没有找到表头，请填写后再导入",
		"The file is empty: no header row was found; fill it in, then import it")
}

func errNoSheet(name string) *Error {
	return newError(CodeNoSheet,
		"工作簿里没有名为“%s”的工作表，请检查后重新上传",
		"The workbook has no sheet named “%s”; check it and upload it again", name)
}

func errExportTooLarge(limit int) *Error {
	return newError(CodeExportTooLarge,
		"导出超过 Excel 单表 %d 行上限，请缩小范围或改用 CSV 导出",
		"The export exceeds Excel's %d-row sheet limit; narrow it down or export CSV instead", limit)
}

// mib formats a byte count in MiB without needless decimals.
func mib(n int64) string {
	return fmt.Sprintf("%g", float64(n)/(1<<20))
}
