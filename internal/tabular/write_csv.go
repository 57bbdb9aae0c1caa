package tabular

import (
	"encoding/csv"
	"io"
)

// WriteCSV writes a CSV file that Excel opens correctly: UTF-8 with a BOM
// (without one, Chinese Excel reads the bytes as GBK), CRLF line ends, and
// every cell neutralised against formula injection.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := w.Write(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	write := func(rec []string) error {
		out := make([]string, len(rec))
		for i, s := range rec {
			out[i] = Neutralise(s)
		}
		return cw.Write(out)
	}
	if header != nil {
		if err := write(header); err != nil {
			return err
		}
	}
	for _, r := range rows {
		if err := write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
