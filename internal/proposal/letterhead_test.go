package proposal

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestLetterhead: a reply's letter is headed by the lead unit's document
// number (its code, 提字 for a proposal, the year of the first reply and its
// place among the unit's replies that year), kept when the proposal is
// handled again; a unit without a code gives none; bad codes are refused.
func TestLetterhead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		first, second := f.register(t, "政协-1", "2025-02-20"), f.register(t, "政协-2", "2025-02-21")
		f.walk(t, first, Replied)
		h, err := LetterheadOf(ctx, db, f.get(t, first))
		must(t, err)
		if h.DocNumber != "" || h.Unit != "沈阳市科学技术局" || h.Date != "2025-04-10" || h.Contact != "联系人：drafter" {
			t.Fatalf("without a code: %+v", h)
		}
		must(t, SetUnitCode(ctx, db, f.bureau, " 沈科 "))
		f.walk(t, second, Replied)
		for id, want := range map[int64]string{first: "沈科提字〔2025〕1号", second: "沈科提字〔2025〕2号"} {
			h, err := LetterheadOf(ctx, db, f.get(t, id))
			must(t, err)
			if h.DocNumber != want {
				t.Errorf("proposal %d: %q, want %q", id, h.DocNumber, want)
			}
		}
		// Handled again after 不满意, the first keeps its number.
		p := f.get(t, first)
		must(t, Rate(ctx, db, f.office, first, p.Version, "2025-04-20", "mostly", "dissatisfied", "问题未解决"))
		f.walk(t, first, Replied)
		p = f.get(t, first)
		h, err = LetterheadOf(ctx, db, p)
		must(t, err)
		if h.DocNumber != "沈科提字〔2025〕1号" || p.Round != 2 {
			t.Fatalf("after re-handling: %+v (round %d)", h, p.Round)
		}
		// The letter carries it.
		rep := reply()
		rep.Unit, rep.DocNumber, rep.Contact, rep.Date = h.Unit, h.DocNumber, h.Contact, h.Date
		var b bytes.Buffer
		must(t, report.DOCX(&b, rep))
		zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
		must(t, err)
		var doc string
		for _, zf := range zr.File {
			if zf.Name == "word/document.xml" {
				rc, err := zf.Open()
				must(t, err)
				x, _ := io.ReadAll(rc)
				rc.Close()
				doc = string(x)
			}
		}
		for _, want := range []string{"沈科提字〔2025〕1号", "沈阳市科学技术局", "联系人：drafter"} {
			if !strings.Contains(doc, want) {
				t.Errorf("the DOCX lacks %q", want)
			}
		}

		firm, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳某科技有限公司", Kind: "enterprise"})
		must(t, err)
		for _, c := range []struct {
			unit int64
			code string
			want string
		}{
			{f.bureau, "沈", "proposal.unit_code_invalid"},
			{f.bureau, "沈科技局某某处室", "proposal.unit_code_invalid"},
			{f.bureau, "SK", "proposal.unit_code_invalid"},
			{f.bureau, "沈科1", "proposal.unit_code_invalid"},
			{firm.ID, "沈企", "proposal.unit_not_found"},
			{999999, "沈企", "proposal.unit_not_found"},
		} {
			if err := SetUnitCode(ctx, db, c.unit, c.code); errKey(err) != c.want {
				t.Errorf("SetUnitCode(%d, %q) = %v, want %s", c.unit, c.code, err, c.want)
			}
		}
		if code, err := UnitCode(ctx, db, f.bureau); err != nil || code != "沈科" {
			t.Fatalf("after refusals the code is %q (%v)", code, err)
		}
	})
}
