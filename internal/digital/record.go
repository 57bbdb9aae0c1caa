package digital

import (
	"context"
	"slices"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Purposes are why an assessment is made, as the assessment template words
// them: before the retrofit, at acceptance, or the yearly review.
var Purposes = []string{"改造前诊断", "验收评测", "年度复评"}

// PilotKind is the template of a pilot record, and AssessmentsKind the kind
// of its assessment children.
const (
	PilotKind       = "sme_digital_pilot"
	AssessmentsKind = "assessments"
)

// Record keeps a scored assessment as an assessment record under an SME's
// pilot record: the points by dimension, the level of each scene assessed
// and the level reached, with its purpose and assessor (the SME itself when
// none is named). The record starts as a draft: whoever made it attaches
// the signed report and submits it, and the bureau confirms it. Who may add
// one (the pilot's organisation, or a manager) and in which of the pilot's
// stages is the pilot template's rule.
func Record(ctx context.Context, db *store.DB, files program.Files, p access.Principal, pilotID int64, purpose string, assessor int64, r Result) (program.Project, error) {
	if !slices.Contains(Purposes, purpose) {
		return program.Project{}, problem.Invalid("purpose", "form.choice", "评测类型", "改造前诊断、验收评测、年度复评")
	}
	pilot, err := program.GetProject(ctx, db, pilotID)
	if err != nil {
		return program.Project{}, err
	}
	t, err := program.LoadTemplate(ctx, db, pilot.TemplateID)
	if err != nil {
		return program.Project{}, err
	}
	if t.Key != PilotKind {
		return program.Project{}, problem.New(problem.ErrConflict, "digital.not_a_pilot", pilot.Title)
	}
	if assessor == 0 {
		assessor = pilot.OrganisationID
	}
	data := map[string]any{"purpose": purpose, "assessor": float64(assessor), "level": r.LevelName}
	for _, d := range r.Dimensions {
		data["score_"+d.Key] = d.Score
	}
	var scenes []any
	for _, s := range r.Scenes {
		if s.Level > 0 {
			scenes = append(scenes, map[string]any{"scene": s.Name, "level": float64(s.Level)})
		}
	}
	if len(scenes) > 0 {
		data["scenes"] = scenes
	}
	return program.AddChild(ctx, db, files, p, pilotID, AssessmentsKind, data, nil)
}
