package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar draws a one-line bar on w, redrawn in place, for long work
// (loading the demo city, importing): label [#####-----] 45% 3s.
func progressBar(w io.Writer, label string) func(done, total int) {
	start := time.Now()
	last := -1
	return func(done, total int) {
		if total <= 0 {
			return
		}
		pct := done * 100 / total
		if pct == last {
			return
		}
		last = pct
		const width = 30
		fill := width * done / total
		fmt.Fprintf(w, "\r%s [%s%s] %3d%% %s", label, strings.Repeat("#", fill), strings.Repeat("-", width-fill), pct, time.Since(start).Round(100*time.Millisecond))
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}
