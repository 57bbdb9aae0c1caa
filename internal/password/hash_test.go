package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashVerifyRoundTrip(t *testing.T) {
	for _, pw := range []string{"correct horse battery staple", "", "密码测试一二三四", "\x00\xff"} {
		enc, err := Hash(pw, Fast)
		if err != nil {
			t.Fatalf("Hash(%q): %v", pw, err)
		}
		ok, err := Verify(pw, enc)
		if err != nil || !ok {
			t.Errorf("Verify(%q, own hash) = %v, %v; want true, nil", pw, ok, err)
		}
		ok, err = Verify(pw+"x", enc)
		if err != nil || ok {
			t.Errorf("Verify(wrong password) = %v, %v; want false, nil", ok, err)
		}
	}
}

func TestHashDefaultFormat(t *testing.T) {
	enc, err := Hash("hunter2hunter2", Default)
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(enc, prefix) {
		t.Fatalf("hash %q lacks prefix %q", enc, prefix)
	}
	f := strings.Split(enc, "$")
	if len(f[4]) != 22 || len(f[5]) != 43 { // 16 and 32 bytes, unpadded
		t.Errorf("salt/hash lengths %d/%d, want 22/43", len(f[4]), len(f[5]))
	}
	if strings.Contains(enc, "=$") || strings.HasSuffix(enc, "=") {
		t.Errorf("hash %q has base64 padding", enc)
	}
	if ok, err := Verify("hunter2hunter2", enc); !ok || err != nil {
		t.Errorf("Verify = %v, %v", ok, err)
	}
}

func TestHashSaltsDiffer(t *testing.T) {
	a, _ := Hash("same password", Fast)
	b, _ := Hash("same password", Fast)
	if a == b {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

// Hashes made by the reference argon2 command-line tool (Debian package
// argon2) must verify: guards the encoding and parameter parsing.
func TestVerifyReferenceHashes(t *testing.T) {
	cases := []struct{ pw, enc string }{
		// echo -n password | argon2 saltsaltsaltsalt -id -t 1 -k 64 -p 1 -l 32 -e
		{"password", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$Wb9DOLKUgwlL5fjad9tfCPU0SBAo0PEY/evJRhwtUR0"},
		// echo -n 'correct horse battery staple' | argon2 somesaltsomesalt -id -t 2 -k 19456 -p 1 -l 32 -e
		{"correct horse battery staple", "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ISO7kkvFzh19GM8qB7patN3C3Y9HHsjlVTfEZ9T600Y"},
	}
	for _, c := range cases {
		if ok, err := Verify(c.pw, c.enc); !ok || err != nil {
			t.Errorf("Verify(%q, %q) = %v, %v; want true, nil", c.pw, c.enc, ok, err)
		}
		if ok, _ := Verify(c.pw+" ", c.enc); ok {
			t.Errorf("Verify accepted a wrong password for %q", c.enc)
		}
	}
	if NeedsRehash(cases[1].enc, Default) {
		t.Error("NeedsRehash(reference Default hash, Default) = true")
	}
	if NeedsRehash(cases[0].enc, Fast) {
		t.Error("NeedsRehash(reference Fast hash, Fast) = true")
	}
}

func TestHashRejectsBadParams(t *testing.T) {
	for name, p := range map[string]Params{
		"zero":       {},
		"no threads": {Memory: 64, Time: 1, SaltLen: 16, KeyLen: 32},
		"short salt": {Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32},
		"short key":  {Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8},
		"huge mem":   {Memory: maxMemory + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		"huge time":  {Memory: 64, Time: maxTime + 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	} {
		if _, err := Hash("pw", p); err == nil {
			t.Errorf("%s: Hash accepted %+v", name, p)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	good, err := Hash("pw", Fast)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(good, "$")
	join := func(parts ...string) string { return strings.Join(parts, "$") }
	cases := map[string]string{
		"empty":          "",
		"garbage":        "not a hash",
		"bcrypt":         "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":        join("", "argon2i", f[2], f[3], f[4], f[5]),
		"version 16":     join("", "argon2id", "v=16", f[3], f[4], f[5]),
		"missing field":  join("", "argon2id", f[2], f[3], f[4]),
		"extra field":    good + "$x",
		"no leading $":   strings.TrimPrefix(good, "$"),
		"param order":    join("", "argon2id", f[2], "t=1,m=64,p=1", f[4], f[5]),
		"param missing":  join("", "argon2id", f[2], "m=64,t=1", f[4], f[5]),
		"param sign":     join("", "argon2id", f[2], "m=+64,t=1,p=1", f[4], f[5]),
		"param zero":     join("", "argon2id", f[2], "m=64,t=0,p=1", f[4], f[5]),
		"leading zero":   join("", "argon2id", f[2], "m=064,t=1,p=1", f[4], f[5]),
		"threads 0":      join("", "argon2id", f[2], "m=64,t=1,p=0", f[4], f[5]),
		"threads 256":    join("", "argon2id", f[2], "m=4096,t=1,p=256", f[4], f[5]),
		"memory huge":    join("", "argon2id", f[2], "m=4294967295,t=1,p=1", f[4], f[5]),
		"memory > 2^32":  join("", "argon2id", f[2], "m=4294967296,t=1,p=1", f[4], f[5]),
		"salt padded":    join("", "argon2id", f[2], f[3], f[4]+"==", f[5]),
		"salt bad b64":   join("", "argon2id", f[2], f[3], "!!!!", f[5]),
		"salt too short": join("", "argon2id", f[2], f[3], "AAAA", f[5]),
		"hash empty":     join("", "argon2id", f[2], f[3], f[4], ""),
		"hash url b64":   join("", "argon2id", f[2], f[3], f[4], strings.Repeat("_", 43)),
	}
	for name, enc := range cases {
		ok, err := Verify("pw", enc)
		if err == nil || ok {
			t.Errorf("%s: Verify(%q) = %v, %v; want false, error", name, enc, ok, err)
		} else if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: error %v does not wrap ErrMalformed", name, err)
		}
		if !NeedsRehash(enc, Fast) {
			t.Errorf("%s: NeedsRehash = false for malformed hash", name)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	fast, _ := Hash("pw", Fast)
	if NeedsRehash(fast, Fast) {
		t.Error("NeedsRehash(Fast hash, Fast) = true")
	}
	if !NeedsRehash(fast, Default) {
		t.Error("NeedsRehash(Fast hash, Default) = false")
	}
	longer := Fast
	longer.KeyLen = 64
	if !NeedsRehash(fast, longer) {
		t.Error("NeedsRehash ignores key length")
	}
	h, _ := Hash("pw", longer)
	if ok, err := Verify("pw", h); !ok || err != nil {
		t.Errorf("Verify(64-byte key) = %v, %v", ok, err)
	}
}
