package democity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// Password is every demo account's password: the demo is for looking
// around, and the banner on every page says so.
const Password = "xinzhi-demo-2025"

// Account is a demo account: one a role, and the demo experts.
type Account struct {
	Username string
	Role     access.Role
	Name     string // display name
}

// RoleName is the display name of a role's demo account.
func RoleName(r access.Role) string { return demoNames[r] }

var demoNames = map[access.Role]string{
	access.SysAdmin: "演示·系统管理员", access.SecAdmin: "演示·安全管理员", access.Auditor: "演示·审计管理员",
	access.Manager: "演示·项目管理员", access.Reviewer: "演示·评审专家", access.Org: "演示·企业用户",
	access.Finance: "演示·银行用户", access.Viewer: "演示·局领导（只读）",
}

// SetUp readies a database holding the demo city for people to sign in:
// the demo enterprise and bank (written by Load; made here if absent), the
// enterprise's high-tech certificate, a call open on the business date
// (clock.Now(ctx)) of every program that has none, and one account a role
// plus the demo experts, each with Password (reset at every start, and
// enabled). Experts of the city's pool keep the name of the person they
// are.
func SetUp(ctx context.Context, db *store.DB, a *auth.Service) ([]Account, error) {
	orgs := map[access.Role]int64{}
	for _, o := range []struct {
		role       access.Role
		name, kind string
	}{{access.Org, DemoEnterprise, "enterprise"}, {access.Finance, DemoBank, "bank"}} {
		got, err := registry.ByName(ctx, db, o.name)
		if errors.Is(err, problem.ErrNotFound) {
			got, err = registry.Create(ctx, db, registry.Organisation{Name: o.name, Kind: o.kind})
		}
		if err != nil {
			return nil, fmt.Errorf("demo organisation: %w", err)
		}
		orgs[o.role] = got.ID
	}
	// The demo manager is staff of the bureau: it drafts the replies to the
	// proposals the bureau leads (proposal handling reads the account's unit).
	if bureau, err := registry.ByName(ctx, db, "沈阳市科学技术局"); err == nil {
		orgs[access.Manager] = bureau.ID
	} else if !errors.Is(err, problem.ErrNotFound) {
		return nil, err
	}
	if err := openDemoCalls(ctx, db); err != nil {
		return nil, err
	}
	// The demo enterprise holds a high-tech certificate: rules read recognitions.
	if err := registry.Grant(ctx, db, registry.Recognition{Kind: "high_tech", Subject: "organisation", SubjectID: orgs[access.Org], Granted: "2024-12-01", Authority: "辽宁省科学技术厅（演示）"}); err != nil {
		return nil, fmt.Errorf("demo recognition: %w", err)
	}
	var want []Account
	for _, r := range access.Roles {
		want = append(want, Account{"demo-" + string(r), r, demoNames[r]})
	}
	for i := 1; i <= 4; i++ {
		want = append(want, Account{fmt.Sprintf("demo-expert-%d", i), access.Reviewer, fmt.Sprintf("演示·专家%d", i)})
	}
	var out []Account
	for _, ac := range want {
		u, err := a.UserByName(ctx, ac.Username)
		if errors.Is(err, problem.ErrNotFound) {
			u, err = a.CreateUser(ctx, auth.NewUser{Username: ac.Username, DisplayName: ac.Name, Password: Password, Roles: []access.Role{ac.Role}, OrgID: orgs[ac.Role]})
		} else if err == nil {
			err = a.SetPassword(ctx, u.ID, Password, false)
			if err == nil && u.Disabled {
				_, err = a.SetDisabled(ctx, u.ID, false)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", ac.Username, err)
		}
		out = append(out, Account{ac.Username, ac.Role, u.DisplayName})
	}
	return out, nil
}

// openDemoCalls publishes the shipped templates and opens a call of each
// program that has none, from a month before the business date to two
// months after it.
func openDemoCalls(ctx context.Context, db *store.DB) error {
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		return fmt.Errorf("demo programs: %w", err)
	}
	progs, err := program.Programs(ctx, db)
	if err != nil {
		return err
	}
	calls, err := program.Calls(ctx, db, "")
	if err != nil {
		return err
	}
	has := map[string]bool{}
	for _, c := range calls {
		has[c.Program] = true
	}
	now := clock.Now(ctx).In(clock.Shanghai)
	for _, p := range progs {
		if has[p.Key] {
			continue
		}
		c := program.Call{TemplateID: p.ID, Key: strings.ReplaceAll(p.Key, "_", "-") + "-demo", Name: p.Name + "（演示批次）",
			NameEN: demoCallNameEN(ctx, db, p.Key), Opens: now.AddDate(0, -1, 0).Format(time.DateOnly), Closes: now.AddDate(0, 2, 0).Format(time.DateOnly)}
		if _, err := program.OpenCall(ctx, db, c); err != nil {
			return fmt.Errorf("demo call of %s: %w", p.Key, err)
		}
	}
	return nil
}

// demoCallNameEN names a program's demo call in English ("" when the
// program has no English name: English pages then show the Chinese).
func demoCallNameEN(ctx context.Context, db *store.DB, key string) string {
	pub, err := program.Latest(ctx, db, key)
	if err != nil || pub.Template.NameEN == "" {
		return ""
	}
	return pub.Template.NameEN + " (demo call)"
}
