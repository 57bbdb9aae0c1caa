// Package program owns programs as data: versioned templates that declare a
// program's form, its stages and transitions with the rules that guard them,
// how it is reviewed and what child records it has. This file holds the
// template's shape; parse.go reads it from YAML with line numbers and
// check.go refuses templates that could not run.
package program

import (
	"go.yaml.in/yaml/v3"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
)

// Template is one version of a program.
type Template struct {
	Key         string       `yaml:"key"`
	Name        string       `yaml:"name"`
	NameEN      string       `yaml:"name_en,omitempty"`
	Version     int          `yaml:"version"`
	Description string       `yaml:"description,omitempty"`
	Form        []Field      `yaml:"form"`
	Stages      []Stage      `yaml:"stages"`
	Transitions []Transition `yaml:"transitions"`
	Review      *Review      `yaml:"review,omitempty"`
	Children    []Child      `yaml:"children,omitempty"`
	// Commitment is the text the applicant unit and the project leader
	// confirm before a transition marked commit: true (承诺书).
	Commitment *Commitment `yaml:"commitment,omitempty"`
	// Compare names two snapshots (see Transition.Snapshot) whose
	// difference the record's page shows: [application, contract] puts the
	// contract's task indicators beside the application's.
	Compare []string `yaml:"compare,omitempty"`
	// Amount names the money field that is the record's amount in lists
	// and sums (a bid's quoted_amount); amount_requested when empty.
	Amount string `yaml:"amount,omitempty"`
}

// AmountOf is the record's amount read from its data: the template's
// amount field, else amount_requested.
func (t *Template) AmountOf(data map[string]any) float64 {
	if t.Amount != "" {
		return number(data[t.Amount])
	}
	return number(data["amount_requested"])
}

// Commitment is a program's commitment text, versioned: a confirmation
// holds for the version confirmed.
type Commitment struct {
	Version string `yaml:"version"`
	Text    string `yaml:"text"`
}

// Field types a form may use.
var FieldTypes = []string{"text", "longtext", "number", "money", "percentage", "date", "choice", "multichoice",
	"organisation", "person", "file", "table", "boolean"}

// Field is one field of the form.
type Field struct {
	Key      string   `yaml:"key"`
	Label    string   `yaml:"label"`
	LabelEN  string   `yaml:"label_en,omitempty"`
	Type     string   `yaml:"type"`
	Required bool     `yaml:"required,omitempty"`
	When     string   `yaml:"when,omitempty"` // shown and required only when this expression holds
	Min      *float64 `yaml:"min,omitempty"`
	Max      *float64 `yaml:"max,omitempty"`
	Options  []string `yaml:"options,omitempty"`
	// OptionsEN names the options in English, in the same order; the
	// stored value stays the Chinese option.
	OptionsEN []string `yaml:"options_en,omitempty"`
	Columns   []Field  `yaml:"columns,omitempty"` // for a table
	Help      string   `yaml:"help,omitempty"`
	HelpEN    string   `yaml:"help_en,omitempty"`
	Public    bool     `yaml:"public,omitempty"` // may be published as open data; fields are private unless they say so
	// Unique: no two records of the program hold the same value (with the
	// fields of UniqueWith) outside the stages of UniqueExcept; checked when
	// a record moves into any other stage (one contract funded once).
	// Reads: the organisation this field names may read the record (a
	// docking's counterpart); others a form names may not.
	Reads        bool     `yaml:"reads,omitempty"`
	Unique       bool     `yaml:"unique,omitempty"`
	UniqueWith   []string `yaml:"unique_with,omitempty"`
	UniqueExcept []string `yaml:"unique_except,omitempty"`
	// Ledger (a person field or column): the person's role on the record
	// in the ledger across programs — leader, core or member; LedgerTime
	// names the percentage field (or column, in a table) holding the time
	// that person commits.
	Ledger     string `yaml:"ledger,omitempty"`
	LedgerTime string `yaml:"ledger_time,omitempty"`
	// End (a date field): the record's planned end, or its delayed end as
	// an approved extension sets it; overdue_months() counts from the
	// delayed end when there is one.
	End string `yaml:"end,omitempty"`
	// Progress: the field (or column) reports how the work stands, it is
	// not a term of the contract; changes to it are not contract changes.
	Progress bool `yaml:"progress,omitempty"`
	Line     int  `yaml:"-"`
}

// Stage is a state a record can be in.
type Stage struct {
	Key      string `yaml:"key"`
	Name     string `yaml:"name"`
	NameEN   string `yaml:"name_en,omitempty"`
	Initial  bool   `yaml:"initial,omitempty"`
	Terminal bool   `yaml:"terminal,omitempty"`
	// Outcome names what a record ending here was: failed, terminated or
	// revoked count against the people on it (failures(p) in rules).
	Outcome string `yaml:"outcome,omitempty"`
	Line    int    `yaml:"-"`
}

// Transition moves a record from one stage to another.
type Transition struct {
	Key       string   `yaml:"key"`
	Name      string   `yaml:"name"`
	NameEN    string   `yaml:"name_en,omitempty"`
	From      []string `yaml:"from"`
	To        string   `yaml:"to"`
	By        []string `yaml:"by"`                   // role:ROLE, owner, reviewer
	Rule      string   `yaml:"rule,omitempty"`       // must hold, an expression over the record and its applicant
	Message   string   `yaml:"message,omitempty"`    // shown when the rule does not hold
	MessageEN string   `yaml:"message_en,omitempty"` // the message on English pages
	Requires  []string `yaml:"requires,omitempty"`   // form fields that must be filled at this point
	Deadline  string   `yaml:"deadline,omitempty"`   // call_end, or a duration after entering the stage: 30d
	Amount    string   `yaml:"amount,omitempty"`     // approved, disbursed or refunded: the move records that amount of money
	Grants    *Grant   `yaml:"grants,omitempty"`     // the move grants the applicant a recognition in the registry
	Screen    string   `yaml:"screen,omitempty"`     // apply, review or award: the move is refused while a sanction of that scope bars anyone the record names
	// Duplicates compares the record's text with the applications of the
	// last years: above Review it is flagged for a manager, above Refuse
	// blocked until a manager clears it; the text is then kept for later
	// comparisons.
	Duplicates *Duplicates `yaml:"duplicates,omitempty"`
	// Bars enters a sanction in the integrity register for the person a
	// form field names when the move is taken (a failed acceptance bars the
	// leader from applying for the configured years).
	Bars *Bars `yaml:"bars,omitempty"`
	// Commit: the move needs the unit's and the leader's confirmation of
	// the template's commitment text, current version.
	Commit bool `yaml:"commit,omitempty"`
	// Snapshot keeps the form as it stands after the move under this name
	// (application, contract): the latest of a name is the version in force,
	// and changes_since(name) in rules counts the fields changed after it.
	Snapshot string `yaml:"snapshot,omitempty"`
	// Refund: the move makes money due back, all that was paid (revoked)
	// or the leftover, paid less the amount a form field says was spent
	// (closed early).
	Refund *Refund `yaml:"refund,omitempty"`
	Line   int     `yaml:"-"`
}

// Refund says what a move makes due back to the bureau.
type Refund struct {
	Of    string `yaml:"of"`              // all or leftover
	Spent string `yaml:"spent,omitempty"` // for leftover: the money field holding what was spent of the public funds
}

// Grant is the recognition a transition gives the applicant: of a kind of
// the registry (or one chosen by a form field through KindMap), at a level
// taken from a form field (or fixed).
type Grant struct {
	Kind       string            `yaml:"kind,omitempty"`
	KindField  string            `yaml:"kind_field,omitempty"`
	KindMap    map[string]string `yaml:"kind_map,omitempty"` // form value → recognition kind
	Level      string            `yaml:"level,omitempty"`
	LevelField string            `yaml:"level_field,omitempty"`
	Authority  string            `yaml:"authority,omitempty"`
}

// Review says how records are scored.
type Review struct {
	Rounds             int         `yaml:"rounds"`
	ReviewersPerRecord int         `yaml:"reviewers_per_record"`
	Blind              bool        `yaml:"blind,omitempty"`
	Aggregate          string      `yaml:"aggregate"` // mean, trimmed_mean, median
	Criteria           []Criterion `yaml:"criteria"`
	Stage              string      `yaml:"stage,omitempty"`          // the stage in which reviewers score; "review" when omitted
	ConflictYears      int         `yaml:"conflict_years,omitempty"` // a former employer within this many years is a conflict; 3 when omitted
	CapPerYear         int         `yaml:"cap_per_year,omitempty"`   // reviews one expert takes in a year; 10 when omitted
	Field              string      `yaml:"field,omitempty"`          // a choice or text field: only experts whose fields include the record's value of it are drawn
	Line               int         `yaml:"-"`
}

// Criterion is one line of the rubric.
type Criterion struct {
	Key    string  `yaml:"key"`
	Name   string  `yaml:"name"`
	NameEN string  `yaml:"name_en,omitempty"`
	Weight float64 `yaml:"weight"`
	Min    float64 `yaml:"min"`
	Max    float64 `yaml:"max"`
	Line   int     `yaml:"-"`
}

// Child is a kind of child record (a challenge's bids, a case's legs).
type Child struct {
	Key      string   `yaml:"key"`
	Name     string   `yaml:"name"`
	NameEN   string   `yaml:"name_en,omitempty"`
	Template string   `yaml:"template"` // the key of the child's template
	OpenIn   []string `yaml:"open_in"`  // the parent's stages in which children are added (and submitted)
	By       []string `yaml:"by"`       // owner (the parent's organisation), other_org (any other organisation), role:ROLE
	Line     int      `yaml:"-"`
}

// The types below record where each element stands in the YAML, so that a
// problem names its line.

func (f *Field) UnmarshalYAML(n *yaml.Node) error {
	type plain Field
	if err := n.Decode((*plain)(f)); err != nil {
		return err
	}
	f.Line = n.Line
	return nil
}

func (s *Stage) UnmarshalYAML(n *yaml.Node) error {
	type plain Stage
	if err := n.Decode((*plain)(s)); err != nil {
		return err
	}
	s.Line = n.Line
	return nil
}

func (t *Transition) UnmarshalYAML(n *yaml.Node) error {
	type plain Transition
	if n.Kind == yaml.MappingNode {
		// "from" may be one stage or a list.
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "from" && n.Content[i+1].Kind == yaml.ScalarNode {
				v := n.Content[i+1]
				n.Content[i+1] = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: v.Line, Column: v.Column, Content: []*yaml.Node{v}}
			}
		}
	}
	if err := n.Decode((*plain)(t)); err != nil {
		return err
	}
	t.Line = n.Line
	return nil
}

func (r *Review) UnmarshalYAML(n *yaml.Node) error {
	type plain Review
	if err := n.Decode((*plain)(r)); err != nil {
		return err
	}
	r.Line = n.Line
	return nil
}

func (c *Criterion) UnmarshalYAML(n *yaml.Node) error {
	type plain Criterion
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Line = n.Line
	return nil
}

func (c *Child) UnmarshalYAML(n *yaml.Node) error {
	type plain Child
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Line = n.Line
	return nil
}

// Stage returns the stage with key, if any.
func (t *Template) Stage(key string) (Stage, bool) {
	for _, s := range t.Stages {
		if s.Key == key {
			return s, true
		}
	}
	return Stage{}, false
}

// Field returns the form field with key, if any.
func (t *Template) Field(key string) (Field, bool) {
	for _, f := range t.Form {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// Initial is the stage a new record starts in.
func (t *Template) Initial() string {
	for _, s := range t.Stages {
		if s.Initial {
			return s.Key
		}
	}
	return ""
}

// ReviewStage is the stage in which reviewers score.
func (r *Review) ReviewStage() string {
	if r.Stage == "" {
		return "review"
	}
	return r.Stage
}

// Years is the conflict window for former employers.
func (r *Review) Years() int {
	if r.ConflictYears <= 0 {
		return 3
	}
	return r.ConflictYears
}

// Cap is the yearly number of reviews one expert takes.
func (r *Review) Cap() int {
	if r.CapPerYear <= 0 {
		return 10
	}
	return r.CapPerYear
}

// Criterion returns the rubric line with key, if any.
func (r *Review) Criterion(key string) (Criterion, bool) {
	for _, c := range r.Criteria {
		if c.Key == key {
			return c, true
		}
	}
	return Criterion{}, false
}

// Child returns the kind of child record with key, if any.
func (t *Template) Child(key string) (Child, bool) {
	for _, c := range t.Children {
		if c.Key == key {
			return c, true
		}
	}
	return Child{}, false
}

// OptionLabel is how an option of the field reads in lang: its English
// name on English pages when the template gives one, else the value.
func (f Field) OptionLabel(v, lang string) string {
	if lang == "en" && len(f.OptionsEN) == len(f.Options) {
		for i, o := range f.Options {
			if o == v {
				return f.OptionsEN[i]
			}
		}
	}
	return v
}

// TitleField is the form field that names a record: "title" when the form
// has it, else its first text field.
func (t *Template) TitleField() string {
	for _, f := range t.Form {
		if f.Key == "title" {
			return f.Key
		}
	}
	for _, f := range t.Form {
		if f.Type == "text" {
			return f.Key
		}
	}
	return ""
}

// Applicable reports whether organisations apply to the program themselves:
// the applicant takes a transition out of the initial stage. Programs that
// bureau staff run (proposal replies) and child templates (a case's legs)
// are not.
func (t *Template) Applicable() bool {
	init := t.Initial()
	for _, tr := range t.Transitions {
		if contains(tr.From, init) && contains(tr.By, "owner") {
			return true
		}
	}
	return false
}

// Duplicates is a transition's duplicate-application check.
type Duplicates struct {
	Fields []string `yaml:"fields"` // the text fields (and tables, their text cells) compared
	Review float64  `yaml:"review"` // share of the text's fingerprints found in one earlier application: flagged
	Refuse float64  `yaml:"refuse"` // blocked pending a manager's decision
	Years  int      `yaml:"years"`  // how far back (applications kept in the last N years)
}

// Bars is the sanction a transition enters.
type Bars struct {
	Field      string   `yaml:"field"`      // the person field (the leader)
	Years      int      `yaml:"years"`      // how long, from the move's day
	Scopes     []string `yaml:"scopes"`     // apply, review, award
	Misconduct string   `yaml:"misconduct"` // as the register words it
}

// Grave reports whether a transition has consequences that cannot be
// taken back by another move: it bars someone, makes money due back, or
// ends the record in a failure. Such a move needs a reason.
func (t *Template) Grave(tr *Transition) bool {
	st, _ := t.Stage(tr.To)
	return tr.Bars != nil || tr.Refund != nil || contains(FailureOutcomes, st.Outcome)
}

// named is the transition's name in both languages, for messages.
func (tr *Transition) named() i18n.Text { return i18n.Text{ZH: tr.Name, EN: tr.NameEN} }
