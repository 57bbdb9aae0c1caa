package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// ImportKind names what a spreadsheet holds.
type ImportKind string

// The kinds of import.
const (
	ImportOrgs         ImportKind = "orgs"
	ImportPeople       ImportKind = "people"
	ImportDisciplines  ImportKind = "disciplines"
	ImportRecognitions ImportKind = "recognitions"
	ImportFigures      ImportKind = "figures"
	ImportEmployment   ImportKind = "employment"
)

// ImportKinds lists the kinds in display order.
var ImportKinds = []ImportKind{ImportOrgs, ImportPeople, ImportDisciplines, ImportRecognitions, ImportFigures, ImportEmployment}

// Spec describes the columns of one kind of import: the template's Chinese
// headers, the field keys accepted instead, and an example row.
type Spec struct {
	Kind    ImportKind
	Columns []tabular.Column
	Example []string
}

func col(key string, required bool, headers ...string) tabular.Column {
	return tabular.Column{Key: key, Headers: append(headers, key), Required: required}
}

// Specs returns the column specification of every kind.
func Specs() map[ImportKind]Spec {
	return map[ImportKind]Spec{
		ImportOrgs: {ImportOrgs, []tabular.Column{
			col("credit_code", true, "统一社会信用代码", "信用代码"),
			col("name", true, "单位名称", "名称", "企业名称"),
			col("kind", false, "单位类型", "类型"),
			col("district", false, "所在区县", "区县", "行政区划"),
			col("address", false, "地址", "注册地址"),
			col("founded", false, "成立日期"),
			col("size", false, "企业规模", "规模"),
			col("tags", false, "标签", "资质标签"),
			col("clusters", false, "产业集群", "集群"),
			col("former_names", false, "曾用名"),
			col("description", false, "简介", "主营业务"),
		}, []string{"91210100MA0XXXXXX1", "沈阳示例科技有限公司", "企业", "浑南区", "沈阳市浑南区创新路1号", "2018-05-20", "小", "高新技术企业、科技型中小企业", "机器人", "", "工业机器人系统集成"}},
		ImportPeople: {ImportPeople, []tabular.Column{
			col("name", true, "姓名"),
			col("id_number", true, "身份证号", "居民身份证号码", "证件号码"),
			col("gender", false, "性别"),
			col("phone", false, "手机号", "联系电话", "电话"),
			col("email", false, "电子邮箱", "邮箱"),
			col("organization", false, "所在单位统一社会信用代码", "单位信用代码", "organisation"),
			col("degree", false, "最高学位", "学位", "学历"),
			col("field", false, "研究领域", "专业领域", "领域"),
			col("talent_level", false, "人才层次", "人才类别"),
			col("title", false, "职称", "专业技术职称"),
		}, []string{"张三", "21010219900101XXXX", "男", "13800000000", "zhangsan@example.com", "91210100MA0XXXXXX1", "博士", "机器人控制", "E", "高级工程师"}},
		ImportDisciplines: {ImportDisciplines, []tabular.Column{
			col("university", true, "高校统一社会信用代码", "高校信用代码"),
			col("kind", true, "类别"),
			col("code", false, "代码", "学科代码", "专业代码"),
			col("name", true, "名称", "学科名称", "专业名称"),
			col("opened", false, "开设年份", "设立年份"),
			col("tags", false, "标签"),
		}, []string{"12100000XXXXXXXXXX", "学科", "0802", "机械工程", "1958", "服务新质生产力"}},
		ImportRecognitions: {ImportRecognitions, []tabular.Column{
			col("kind", true, "认定类型", "称号"),
			col("level", false, "级别", "等级"),
			col("credit_code", false, "统一社会信用代码"),
			col("id_number", false, "身份证号"),
			col("authority", false, "认定机构", "授予机构"),
			col("granted", true, "认定日期", "授予日期"),
			col("revoked", false, "撤销日期"),
			col("note", false, "备注"),
			col("valid_until", false, "有效期至", "有效期截止日期"),
		}, []string{"智能工厂", "先进级", "91210100MA0XXXXXX1", "", "辽宁省工业和信息化厅", "2024-12-20", "", "", ""}},
		ImportFigures: {ImportFigures, []tabular.Column{
			col("credit_code", true, "统一社会信用代码"),
			col("year", true, "年度", "年份"),
			col("kind", true, "指标", "指标名称"),
			col("value", true, "数值"),
			col("source", false, "来源", "数据来源"),
		}, []string{"91210100MA0XXXXXX1", "2024", "营业收入", "12345.6", "统计联网直报"}},
		ImportEmployment: {ImportEmployment, []tabular.Column{
			col("id_number", true, "身份证号", "居民身份证号码", "证件号码"),
			col("credit_code", true, "单位统一社会信用代码", "统一社会信用代码"),
			col("started", true, "入职日期", "起始日期"),
			col("ended", false, "离职日期", "截止日期"),
		}, []string{"210102198001011234", "91210100MA0XXXXXX1", "2015-09-01", "2022-06-30"}},
	}
}

// CellProblem is one problem with one cell (or, with Row 1, the header),
// numbered as Excel numbers rows and columns.
type CellProblem struct {
	Row     int
	Column  string // A, B, …
	Header  string
	Field   string
	Warning bool
	msg     interface{ Message(string) string }
}

// Message says what is wrong and how to fix it.
func (p CellProblem) Message(lang string) string { return p.msg.Message(lang) }

// Deps is what validating and writing imports needs.
type Deps struct {
	Keys    *seal.Keyring
	Indexer Indexer
	Today   time.Time
}

// Plan is a validated import: nothing is written until Commit.
type Plan struct {
	Kind     ImportKind
	Rows     int
	Problems []CellProblem
	Warnings []CellProblem
	steps    []step
}

// step writes some rows of a plan and says what it did.
type step struct {
	rows int
	run  func(ctx context.Context, tx *store.Tx) (Summary, error)
}

// addRow adds a step that writes one row with an upsert.
func (p *Plan) addRow(fn func(ctx context.Context, tx *store.Tx) (string, error)) {
	p.steps = append(p.steps, step{rows: 1, run: func(ctx context.Context, tx *store.Tx) (Summary, error) {
		var s Summary
		outcome, err := fn(ctx, tx)
		switch outcome {
		case Created:
			s.Created++
		case Updated:
			s.Updated++
		default:
			s.Unchanged++
		}
		return s, err
	}})
}

// OK reports whether the plan can be committed.
func (p *Plan) OK() bool { return len(p.Problems) == 0 }

// Summary counts what a commit did.
type Summary struct {
	Created, Updated, Unchanged int
}

// Prepare validates every row of t as kind and returns the plan, with every
// problem found (never just the first). It reads the database but writes
// nothing.
func Prepare(ctx context.Context, db *store.DB, deps Deps, kind ImportKind, t *tabular.Table) (*Plan, error) {
	spec, ok := Specs()[kind]
	if !ok {
		return nil, fmt.Errorf("unknown import kind %q", kind)
	}
	plan := &Plan{Kind: kind, Rows: len(t.Rows)}
	idx, hps := tabular.MapHeader(t.Header, spec.Columns)
	for _, hp := range hps {
		plan.Problems = append(plan.Problems, CellProblem{Row: 1, Column: hp.Letter, Header: hp.Header, msg: hp})
	}
	if !plan.OK() {
		return plan, nil
	}
	if len(t.Rows) == 0 {
		plan.Problems = append(plan.Problems, CellProblem{Row: 2, Column: "A", msg: problem.Invalid("", "import.empty")})
		return plan, nil
	}
	cat, err := LoadCatalogue(ctx, db)
	if err != nil {
		return nil, err
	}
	r := &rowReader{spec: spec, idx: idx, plan: plan}
	switch kind {
	case ImportOrgs:
		err = prepareOrgs(ctx, db, deps, cat, t, r)
	case ImportPeople:
		err = preparePeople(ctx, db, deps, t, r)
	case ImportDisciplines:
		err = prepareDisciplines(ctx, db, deps, t, r)
	case ImportRecognitions:
		err = prepareRecognitions(ctx, db, deps, t, r)
	case ImportFigures:
		err = prepareFigures(ctx, db, deps, cat, t, r)
	case ImportEmployment:
		err = prepareEmployment(ctx, db, deps, t, r)
	}
	if err != nil {
		return nil, err
	}
	if !plan.OK() {
		plan.steps = nil
	}
	return plan, nil
}

// rowReader turns a row into Raw fields and files problems against cells.
type rowReader struct {
	spec Spec
	idx  map[string]int
	plan *Plan
}

func (r *rowReader) raw(row tabular.Row) Raw {
	out := Raw{}
	for key, i := range r.idx {
		if i < len(row.Cells) {
			out[key] = row.Cells[i]
		}
	}
	return out
}

func (r *rowReader) add(row int, ps []Problem) bool {
	bad := false
	for _, p := range ps {
		cp := CellProblem{Row: row, Field: p.Field, Warning: p.Warning, msg: p.msg}
		if i, ok := r.idx[p.Field]; ok {
			cp.Column = tabular.ColumnLetter(i)
			for _, c := range r.spec.Columns {
				if c.Key == p.Field {
					cp.Header = c.Headers[0]
				}
			}
		}
		if p.Warning {
			r.plan.Warnings = append(r.plan.Warnings, cp)
		} else {
			r.plan.Problems = append(r.plan.Problems, cp)
			bad = true
		}
	}
	return bad
}

// firstSeen reports duplicates of a key inside one file.
type firstSeen map[string]int

func (f firstSeen) check(key string, row int, field string) []Problem {
	if key == "" {
		return nil
	}
	if prev, dup := f[key]; dup {
		return []Problem{fieldProblem(field, "import.duplicate", key, prev)}
	}
	f[key] = row
	return nil
}

func prepareOrgs(ctx context.Context, db *store.DB, deps Deps, cat *Catalogue, t *tabular.Table, r *rowReader) error {
	existing, err := orgIDs(ctx, db)
	if err != nil {
		return err
	}
	seen := firstSeen{}
	var fresh []Organisation
	for _, row := range t.Rows {
		o, ps := CheckOrganisation(r.raw(row), cat, deps.Today)
		ps = append(ps, seen.check(o.CreditCode, row.Num, "credit_code")...)
		if r.add(row.Num, ps) {
			continue
		}
		if _, known := existing[o.CreditCode]; !known {
			fresh = append(fresh, o)
			continue
		}
		r.plan.addRow(func(ctx context.Context, tx *store.Tx) (string, error) {
			_, outcome, err := Upsert(ctx, tx, deps.Indexer, cat, o)
			return outcome, err
		})
	}
	// New organisations go in batches of 5,000: each table written in bulk
	// (COPY on PostgreSQL), progress reported between batches.
	for start := 0; start < len(fresh); start += 5000 {
		batch := fresh[start:min(start+5000, len(fresh))]
		r.plan.steps = append(r.plan.steps, step{rows: len(batch), run: func(ctx context.Context, tx *store.Tx) (Summary, error) {
			return Summary{Created: len(batch)}, insertNew(ctx, tx, deps.Indexer, cat, batch)
		}})
	}
	return nil
}

// orgIDs maps every credit code in the database to its organisation id.
func orgIDs(ctx context.Context, db *store.DB) (map[string]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT credit_code, id FROM organisations WHERE credit_code IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("load credit codes: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var c string
		var id int64
		if err := rows.Scan(&c, &id); err != nil {
			return nil, err
		}
		out[c] = id
	}
	return out, rows.Err()
}

func preparePeople(ctx context.Context, db *store.DB, deps Deps, t *tabular.Table, r *rowReader) error {
	if deps.Keys == nil {
		return fmt.Errorf("importing people needs the personal-data keyring")
	}
	codes, err := orgIDs(ctx, db)
	if err != nil {
		return err
	}
	levels, err := TalentLevels(ctx, db)
	if err != nil {
		return err
	}
	lookup := func(c string) (int64, bool) { id, ok := codes[c]; return id, ok }
	seen := firstSeen{}
	for _, row := range t.Rows {
		p, ps := CheckPerson(r.raw(row), deps.Today, lookup, levels)
		ps = append(ps, seen.check(p.IDNumber, row.Num, "id_number")...)
		if r.add(row.Num, ps) {
			continue
		}
		r.plan.addRow(func(ctx context.Context, tx *store.Tx) (string, error) {
			_, outcome, err := UpsertPerson(ctx, tx, deps.Keys, p)
			return outcome, err
		})
	}
	return nil
}

// Commit writes the plan in one transaction: all rows or none. progress is
// called as rows are written.
func (p *Plan) Commit(ctx context.Context, db *store.DB, progress func(done, total int)) (Summary, error) {
	var sum Summary
	if !p.OK() {
		return sum, problem.New(problem.ErrInvalid, "import.has_problems", len(p.Problems))
	}
	total := 0
	for _, st := range p.steps {
		total += st.rows
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		sum = Summary{}
		done, reported := 0, 0
		for _, st := range p.steps {
			s, err := st.run(ctx, tx)
			if err != nil {
				return fmt.Errorf("import rows %d to %d of %d: %w", done+1, done+st.rows, total, err)
			}
			sum.Created, sum.Updated, sum.Unchanged = sum.Created+s.Created, sum.Updated+s.Updated, sum.Unchanged+s.Unchanged
			done += st.rows
			if progress != nil && (done-reported >= 200 || done == total) {
				progress(done, total)
				reported = done
			}
		}
		return nil
	})
	return sum, err
}
