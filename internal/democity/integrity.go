package democity

import "github.com/xinzhi-platform/xinzhi/internal/integrity"

// integrityRegister: a few entries of the research-integrity register, so
// its page and the screening panels have something to show: two
// enterprises on the national list (one under appeal) and one on the watch
// list. No shipped template screens yet, so no figure moves.
func (g *gen) integrityRegister() error {
	for _, s := range []integrity.Sanction{
		{Subject: "organisation", SubjectID: g.smes[3], Misconduct: "虚报冒领财政科研经费", Scopes: []string{"apply", "award"}, Starts: "2024-05-20", Ends: "2027-05-19",
			Source: "national", Decision: "国科发监〔2024〕31号"},
		{Subject: "organisation", SubjectID: g.smes[11], Misconduct: "重复申报", Scopes: []string{"apply"}, Starts: "2025-02-10", Ends: "2026-02-09",
			Source: "provincial", Decision: "辽科发〔2025〕6号", Appeal: "pending"},
		{Subject: "organisation", SubjectID: g.providers[7], Misconduct: "服务合同履约争议", Scopes: []string{"apply"}, Starts: "2025-04-01",
			Source: "bureau", Watch: true, Reason: "用户投诉待核实"},
	} {
		if _, err := integrity.Add(g.ctx, g.db, s); err != nil {
			return err
		}
	}
	return nil
}
