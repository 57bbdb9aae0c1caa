package programsweb

import (
	"context"

	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The open calls and the template cache are exported for the landing and
// the front page (package web), which count and list what this area serves.

// OpenCall is a call open to applications, with its template.
type OpenCall struct {
	program.CallRow
	Template *program.Template
}

// CallsToApply are the calls organisations apply to on the business date:
// open that day, of a program an applicant starts (not one the bureau runs,
// not a child record such as a bid, which is made on its parent, and not a
// standing call records are filed under).
func CallsToApply(ctx context.Context, db store.Querier, calls []program.CallRow) ([]OpenCall, error) {
	day := clock.Today(ctx)
	tpls := NewTemplateCache()
	children, err := childPrograms(ctx, db, tpls)
	if err != nil {
		return nil, err
	}
	var out []OpenCall
	for _, c := range calls {
		if !c.OpenOn(day) || c.Standing() || children[c.Program] {
			continue
		}
		t, err := tpls.Get(ctx, db, c.TemplateID)
		if err != nil {
			return nil, err
		}
		if t.Applicable() {
			out = append(out, OpenCall{c, t})
		}
	}
	return out, nil
}

// childPrograms are the keys of the programs whose records are made on a
// parent record (a challenge's bids).
func childPrograms(ctx context.Context, db store.Querier, tpls *TemplateCache) (map[string]bool, error) {
	progs, err := program.Programs(ctx, db)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, p := range progs {
		t, err := tpls.Latest(ctx, db, p.Key)
		if err != nil {
			return nil, err
		}
		for _, ch := range t.Children {
			out[ch.Template] = true
		}
	}
	return out, nil
}

// TemplateCache loads each template version, and each program's newest,
// once per request.
type TemplateCache struct {
	byID  map[int64]*program.Template
	byKey map[string]*program.Template
}

// NewTemplateCache is an empty cache.
func NewTemplateCache() *TemplateCache {
	return &TemplateCache{byID: map[int64]*program.Template{}, byKey: map[string]*program.Template{}}
}

// Get is the template version id.
func (c *TemplateCache) Get(ctx context.Context, q store.Querier, id int64) (*program.Template, error) {
	if t, ok := c.byID[id]; ok {
		return t, nil
	}
	t, err := program.LoadTemplate(ctx, q, id)
	if err != nil {
		return nil, err
	}
	c.byID[id] = t
	return t, nil
}

// Latest is the newest version of the program key.
func (c *TemplateCache) Latest(ctx context.Context, q store.Querier, key string) (*program.Template, error) {
	if t, ok := c.byKey[key]; ok {
		return t, nil
	}
	pub, err := program.Latest(ctx, q, key)
	if err != nil {
		return nil, err
	}
	c.byKey[key] = pub.Template
	return pub.Template, nil
}

// ProgramLabel names t's program in lang.
func ProgramLabel(t *program.Template, lang string) string {
	if lang == i18n.EN && t.NameEN != "" {
		return t.NameEN
	}
	return t.Name
}
