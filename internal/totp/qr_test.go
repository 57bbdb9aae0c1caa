package totp

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The "HELLO WORLD" version 1-M example from the standard's tutorials:
// alphanumeric-mode data codewords and their 10 Reed–Solomon codewords.
func TestReedSolomonHelloWorld(t *testing.T) {
	data := []byte{32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17}
	want := []byte{196, 35, 39, 119, 235, 215, 231, 226, 93, 23}
	if got := rsRemainder(data, rsGenerator(10)); !bytes.Equal(got, want) {
		t.Fatalf("EC codewords = %v; want %v", got, want)
	}
}

func TestReedSolomonGenerator(t *testing.T) {
	// Degree 7, as exponents of α: x^7 + α^87x^6 + α^229x^5 + α^146x^4 +
	// α^149x^3 + α^238x^2 + α^102x + α^21.
	exps := []int{87, 229, 146, 149, 238, 102, 21}
	g := rsGenerator(7)
	for i, e := range exps {
		if g[i] != gfExp[e] {
			t.Errorf("coefficient %d = α^%d; want α^%d", i, gfLog[g[i]], e)
		}
	}
}

func TestGF(t *testing.T) {
	for a := 1; a < 256; a++ {
		if gfMul(byte(a), 1) != byte(a) || gfExp[gfLog[a]] != byte(a) {
			t.Fatalf("GF tables broken at %d", a)
		}
	}
	if gfExp[8] != 0x1D || gfMul(0x80, 2) != 0x1D {
		t.Error("reduction polynomial is not 0x11D")
	}
}

func TestFormatBits(t *testing.T) {
	// Level M rows of the format information table.
	want := []string{"101010000010010", "101000100100101", "101111001111100", "101101101001011",
		"100010111111001", "100000011001110", "100111110010111", "100101010100000"}
	for mask, w := range want {
		if got := fmt.Sprintf("%015b", formatBits(mask)); got != w {
			t.Errorf("formatBits(%d) = %s; want %s", mask, got, w)
		}
	}
}

func TestVersionBits(t *testing.T) {
	want := map[int]uint32{7: 0x07C94, 8: 0x085BC, 9: 0x09A99, 10: 0x0A4D3}
	for v, w := range want {
		if got := versionBits(v); got != w {
			t.Errorf("versionBits(%d) = %#05x; want %#05x", v, got, w)
		}
	}
}

func TestDataCodewords(t *testing.T) {
	// "hello" in byte mode, version 1-M: 0100 00000101 then the bytes,
	// terminator, pad to 16 codewords with EC 11 alternating.
	got := dataCodewordsFor([]byte("hello"), 1)
	want := []byte{0x40, 0x56, 0x86, 0x56, 0xC6, 0xC6, 0xF0, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC}
	if !bytes.Equal(got, want) {
		t.Fatalf("got % X\nwant % X", got, want)
	}
	// Version 10 uses a 16-bit count.
	if got := dataCodewordsFor(make([]byte, 200), 10); got[0] != 0x40 || got[1] != 0x0C || got[2] != 0x80 {
		t.Errorf("v10 header % X", got[:3])
	}
}

func TestCapacities(t *testing.T) {
	// Byte-mode capacity at level M for versions 1–10.
	caps := []int{14, 26, 42, 62, 84, 106, 122, 152, 180, 213}
	for i, c := range caps {
		v := i + 1
		if got, err := chooseVersion(c); err != nil || got != v {
			t.Errorf("chooseVersion(%d) = %d, %v; want %d", c, got, err, v)
		}
		if v < maxVersion {
			if got, _ := chooseVersion(c + 1); got != v+1 {
				t.Errorf("chooseVersion(%d) = %d; want %d", c+1, got, v+1)
			}
		}
	}
	if _, err := QRSVG(strings.Repeat("x", 214)); err == nil {
		t.Error("214 bytes: want error")
	}
}

// Every version's free modules must hold exactly its codewords plus the
// remainder bits (7 for versions 2–6, 0 otherwise).
func TestModuleCount(t *testing.T) {
	for v := 1; v <= maxVersion; v++ {
		m := newMatrix(v)
		m.drawFunctionPatterns()
		free := 0
		for _, f := range m.fn {
			if !f {
				free++
			}
		}
		rem := 0
		if v >= 2 && v <= 6 {
			rem = 7
		}
		if want := 8*levelM[v].totalCodewords() + rem; free != want {
			t.Errorf("version %d: %d free modules; want %d", v, free, want)
		}
	}
}

func TestMaskChoiceIsLowestPenalty(t *testing.T) {
	text := []byte("otpauth://totp/Xinzhi:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Xinzhi")
	best, err := encode(text)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 8; k++ {
		m, _ := encodeMask(text, k)
		if m.penalty() < best.penalty() {
			t.Errorf("mask %d scores %d, below chosen mask %d's %d", k, m.penalty(), best.mask, best.penalty())
		}
	}
}

func TestQRSVGMarkup(t *testing.T) {
	s, err := QRSVG("hello")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`viewBox="0 0 29 29"`, `role="img"`, `aria-label="QR code"`, `fill="#fff"`, `fill="#000"`} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	if err := xml.Unmarshal([]byte(s), new(struct{})); err != nil {
		t.Errorf("SVG is not well-formed XML: %v", err)
	}
	// The top-left finder starts at the quiet-zone offset as a 7-wide run.
	if !strings.Contains(s, `<rect x="4" y="4" width="7" height="1"/>`) {
		t.Error("finder pattern not at (4,4)")
	}
}

// writePNG renders m with a 4-module quiet zone, scale pixels per module.
func writePNG(t *testing.T, m *matrix, scale int) string {
	t.Helper()
	w := (m.size + 2*quietZone) * scale
	img := image.NewGray(image.Rect(0, 0, w, w))
	for py := 0; py < w; py++ {
		for px := 0; px < w; px++ {
			c := color.Gray{255}
			if m.Dark(px/scale-quietZone, py/scale-quietZone) {
				c = color.Gray{0}
			}
			img.SetGray(px, py, c)
		}
	}
	path := filepath.Join(t.TempDir(), "qr.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// zbar decodes the QR code in an image file with zbarimg.
func zbar(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", path).Output()
	if err != nil {
		t.Fatalf("zbarimg %s: %v (%s)", path, err, out)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// TestZbarDecodes checks with an independent decoder that every version
// and every mask reads back correctly.
func TestZbarDecodes(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg not on PATH (Debian package zbar-tools)")
	}
	uri := URI("Xinzhi", "alice@example.com", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	texts := []string{"a", "hello", uri}
	for _, n := range []int{14, 15, 26, 27, 42, 43, 62, 63, 84, 85, 106, 107, 122, 123, 152, 153, 180, 181, 213} {
		texts = append(texts, strings.Repeat("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-abc", 6)[:n])
	}
	for _, text := range texts {
		for mask := -1; mask < 8; mask++ {
			if mask >= 0 && text != uri && len(text) != 213 {
				continue // every mask on two versions; chosen mask on all
			}
			m, err := encodeMask([]byte(text), mask)
			if err != nil {
				t.Fatal(err)
			}
			if got := zbar(t, writePNG(t, m, 4)); got != text {
				t.Errorf("version %d mask %d: zbarimg read %q; want %q", m.version, m.mask, got, text)
			}
		}
	}
}

// TestZbarDecodesSVG renders QRSVG's output with rsvg-convert and decodes it.
func TestZbarDecodesSVG(t *testing.T) {
	for _, tool := range []string{"zbarimg", "rsvg-convert"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not on PATH (Debian packages zbar-tools, librsvg2-bin)", tool)
		}
	}
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	uri := URI("Xinzhi", "zhang.wei@example.com", secret)
	s, err := QRSVG(uri)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	svgPath, pngPath := filepath.Join(dir, "qr.svg"), filepath.Join(dir, "qr.png")
	if err := os.WriteFile(svgPath, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("rsvg-convert", "-o", pngPath, svgPath).CombinedOutput(); err != nil {
		t.Fatalf("rsvg-convert: %v (%s)", err, out)
	}
	if got := zbar(t, pngPath); got != uri {
		t.Errorf("zbarimg read %q; want %q", got, uri)
	}
}
