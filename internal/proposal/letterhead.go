package proposal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// docWords is the word a unit's code takes for each kind of document it
// answers: 提 for a CPPCC proposal's reply, 建 for a people's-congress
// suggestion's (沈科提字, 沈科建字).
var docWords = map[string]string{"cppcc": "提字", "npc": "建字"}

// Letterhead is what heads and closes a reply letter under GB/T 9704: the
// issuing unit, its 发文字号, the date and the contact line.
type Letterhead struct {
	Unit, DocNumber, Contact, Date string
}

// LetterheadOf gives a replied proposal's letterhead. The unit is the lead
// unit; the date the day of the reply; the contact the drafter. The number
// is the unit's code (proposal_unit_codes) with the kind's word, the year of
// the first reply and its place among the unit's first replies of that kind
// that year, so it never changes once given (a re-handled reply keeps it);
// a unit without a code gives none.
func LetterheadOf(ctx context.Context, q store.Querier, p *Proposal) (Letterhead, error) {
	lead := p.Lead()
	h := Letterhead{Unit: lead.Name, Date: p.RepliedOn}
	if p.DraftedByName != "" {
		h.Contact = "联系人：" + p.DraftedByName
	}
	if lead.UnitID == 0 || len(p.FirstRepliedOn) < 4 {
		return h, nil
	}
	code, err := UnitCode(ctx, q, lead.UnitID)
	if err != nil || code == "" {
		return h, err
	}
	year, err := strconv.Atoi(p.FirstRepliedOn[:4])
	if err != nil {
		return h, fmt.Errorf("proposal %d: first reply %q: %w", p.ID, p.FirstRepliedOn, err)
	}
	var seq int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM proposals x
		JOIN proposal_units u ON u.proposal_id = x.id AND u.role = 'lead' AND u.status <> 'sent_back'
		WHERE u.unit_id = ? AND x.kind = ? AND x.first_replied_on <> '' AND substr(x.first_replied_on, 1, 4) = ?
		AND (x.first_replied_on < ? OR (x.first_replied_on = ? AND x.id <= ?))`,
		lead.UnitID, p.Kind, p.FirstRepliedOn[:4], p.FirstRepliedOn, p.FirstRepliedOn, p.ID).Scan(&seq); err != nil {
		return h, fmt.Errorf("proposal %d: document number: %w", p.ID, err)
	}
	h.DocNumber = report.DocNumber{Code: code + docWords[p.Kind], Year: year, Seq: seq}.String()
	return h, nil
}

// UnitCode is the code a unit puts before its document numbers, or "".
func UnitCode(ctx context.Context, q store.Querier, unit int64) (string, error) {
	var code string
	err := q.QueryRowContext(ctx, `SELECT code FROM proposal_unit_codes WHERE unit_id = ?`, unit).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("unit %d code: %w", unit, err)
	}
	return code, nil
}

// SetUnitCode enters or changes a unit's code: two to six Chinese
// characters, as 机关代字 are (沈科, 沈发改). Audited.
func SetUnitCode(ctx context.Context, db *store.DB, unit int64, code string) error {
	code = strings.TrimSpace(code)
	if n := utf8.RuneCountInString(code); n < 2 || n > 6 || !allHan(code) {
		return problem.New(problem.ErrInvalid, "proposal.unit_code_invalid", code)
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT kind FROM organisations WHERE id = ?`, unit).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != "government") {
			return problem.New(problem.ErrNotFound, "proposal.unit_not_found", unit)
		}
		if err != nil {
			return fmt.Errorf("unit %d: %w", unit, err)
		}
		before, err := UnitCode(ctx, tx, unit)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM proposal_unit_codes WHERE unit_id = ?`, unit); err != nil {
			return fmt.Errorf("unit %d code: %w", unit, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_unit_codes (unit_id, code) VALUES (?, ?)`, unit, code); err != nil {
			return fmt.Errorf("unit %d code: %w", unit, err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "proposal_unit_code", EntityID: unit, Action: "update",
			Before: map[string]any{"code": before}, After: map[string]any{"code": code}})
	})
}

func allHan(s string) bool {
	for _, r := range s {
		if r < 0x4e00 || r > 0x9fff {
			return false
		}
	}
	return true
}
