package totp

import (
	"testing"
	"time"
)

func FuzzQRSVG(f *testing.F) {
	f.Add([]byte("otpauth://totp/Xinzhi:alice?secret=JBSWY3DP"))
	f.Add([]byte{})
	f.Add(make([]byte, 213))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := encode(data)
		if len(data) > 213 {
			if err == nil {
				t.Fatal("accepted more than 213 bytes")
			}
			return
		}
		if err != nil || m.size != 17+4*m.version || m.mask < 0 || m.mask > 7 {
			t.Fatalf("encode(%d bytes) = %+v, %v", len(data), m, err)
		}
	})
}

func FuzzValidate(f *testing.F) {
	f.Add("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "287082", int64(59), int64(0))
	f.Add("", "", int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, secret, code string, unix, last int64) {
		step, ok := Validate(secret, code, time.Unix(unix, 0), last)
		if ok && step <= last {
			t.Fatalf("accepted step %d <= lastStep %d", step, last)
		}
	})
}
