package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
)

// kind is what a file's content says it is.
type kind int

const (
	kindUnknown   kind = iota // binary, not a format we read
	kindXLSX                  // a zip holding a workbook
	kindZip                   // a zip that is not a workbook (.docx, .zip, …)
	kindOLE                   // an OLE compound file: .xls, or an encrypted .xlsx
	kindText                  // text: CSV
	kindBrokenZip             // starts like a zip but cannot be read as one
)

// describe names a kind for the "not what its name says" message.
func (k kind) describe() string {
	switch k {
	case kindXLSX:
		return "Excel 工作簿（.xlsx） / an Excel workbook (.xlsx)"
	case kindZip:
		return "压缩包 / a zip archive"
	case kindText:
		return "文本（CSV） / text (CSV)"
	default:
		return "其他二进制格式 / some other binary format"
	}
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// sniffLen is how much of a file is looked at to tell text from binary.
const sniffLen = 8 << 10

func sniff(r io.ReaderAt, size int64) (kind, error) {
	head := make([]byte, min(size, sniffLen))
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return kindUnknown, errCorrupt(err)
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, zipMagic):
		return zipKind(r, size), nil
	case bytes.HasPrefix(head, oleMagic):
		return kindOLE, nil
	case looksLikeText(head):
		return kindText, nil
	}
	return kindUnknown, nil
}

// zipKind tells a workbook, whose central directory names the parts every
// .xlsx has, from other zips and from broken ones.
func zipKind(r io.ReaderAt, size int64) kind {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return kindBrokenZip
	}
	var types, book bool
	for _, f := range zr.File {
		switch f.Name {
		case "[Content_Types].xml":
			types = true
		case "xl/workbook.xml":
			book = true
		}
	}
	if types && book {
		return kindXLSX
	}
	return kindZip
}

// looksLikeText accepts UTF-16 with a byte-order mark, and otherwise any
// bytes without NULs or other control characters that text never holds.
func looksLikeText(head []byte) bool {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return true
	}
	for _, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1A {
			return false
		}
	}
	return true
}
