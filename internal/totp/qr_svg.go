package totp

import (
	"fmt"
	"strings"
)

const (
	quietZone = 4 // light modules around the symbol, as the standard requires
	svgScale  = 5 // default width and height per module, in CSS pixels
)

// QRSVG encodes text (up to 213 bytes) as a QR code, error-correction
// level M, and returns it as a standalone SVG element: black modules on a
// white background with a 4-module quiet zone, role="img" and
// aria-label="QR code". It needs no JavaScript or network. The width and
// height attributes give 5 px per module; CSS may override them, as the
// viewBox keeps it sharp at any size.
func QRSVG(text string) (string, error) {
	m, err := encode([]byte(text))
	if err != nil {
		return "", err
	}
	return m.svg(), nil
}

// svg draws m, one rect per horizontal run of dark modules.
func (m *matrix) svg() string {
	w := m.size + 2*quietZone
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="QR code" shape-rendering="crispEdges">`,
		w, w, w*svgScale, w*svgScale)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><g fill="#000">`, w, w)
	for y := 0; y < m.size; y++ {
		for x := 0; x < m.size; {
			if !m.Dark(x, y) {
				x++
				continue
			}
			start := x
			for x < m.size && m.Dark(x, y) {
				x++
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="1"/>`, start+quietZone, y+quietZone, x-start)
		}
	}
	b.WriteString(`</g></svg>`)
	return b.String()
}
