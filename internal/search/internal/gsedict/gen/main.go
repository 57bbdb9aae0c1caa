// Command gen writes the search package's compact dictionary (words.bin)
// from gse's embedded zh_s dictionary and dict.txt. Run it with
// `go generate ./internal/search`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/xinzhi-platform/xinzhi/internal/search/internal/gsedict"
)

func main() {
	in := flag.String("dict", "dict.txt", "our domain dictionary")
	out := flag.String("o", "words.bin", "compact dictionary to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	domain, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	seg, err := gsedict.Load(string(domain))
	if err != nil {
		return err
	}
	blob, err := gsedict.Compile(seg)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, blob, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
