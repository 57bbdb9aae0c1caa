package web_test

import (
	"bytes"
	"encoding/base64"
	"html"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var qrRE = regexp.MustCompile(`<img src="data:image/png;base64,([^"]+)"`)

// checkEnrolmentQR reads the enrolment page's QR code: a PNG data: URI of
// plausible size, dark and light modules both present, which an independent
// decoder (zbarimg, when installed; CI installs it) reads back as the
// otpauth:// URI of the secret the page shows.
func checkEnrolmentQR(t *testing.T, body, secret string) {
	t.Helper()
	m := qrRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the enrolment page has no QR code image")
	}
	raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1])) // html/template writes '+' as &#43;
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the QR code is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < 150 || b.Dx() > 600 {
		t.Fatalf("QR code of %dx%d pixels", b.Dx(), b.Dy())
	}
	dark, light := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			if g := color.GrayModel.Convert(img.At(x, y)).(color.Gray); g.Y < 128 {
				dark++
			} else {
				light++
			}
		}
	}
	if dark*5 < dark+light || light*5 < dark+light {
		t.Fatalf("QR code of %d dark and %d light samples", dark, light)
	}
	if _, err := exec.LookPath("zbarimg"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("zbarimg is not on PATH (Debian package zbar-tools); CI installs it")
		}
		t.Log("zbarimg not on PATH: the QR code was not decoded")
		return
	}
	// The page gives the image a white margin (the quiet zone); so does this.
	pad := image.NewGray(image.Rect(0, 0, b.Dx()+64, b.Dy()+64))
	draw.Draw(pad, pad.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(pad, b.Add(image.Pt(32, 32)).Sub(b.Min), img, b.Min, draw.Src)
	file := filepath.Join(t.TempDir(), "qr.png")
	var out bytes.Buffer
	if err := png.Encode(&out, pad); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("zbarimg", "--raw", "-q", file).Output()
	if err != nil {
		t.Fatalf("zbarimg could not read the QR code: %v", err)
	}
	u, err := url.Parse(strings.TrimSpace(string(text)))
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != secret {
		t.Fatalf("the QR code reads %q; want the otpauth URI of secret %s", text, secret)
	}
}
