package webtest

// LandingProgram is a test program: the applicant submits drafts; a
// manager sends them to a review by two experts or returns them, and
// decides after the review (the landings' and the review moves' tests).
const LandingProgram = `key: test_landing
name: 测试待办项目
name_en: Landing test program
version: 1
form:
  - {key: title, label: 项目名称, label_en: Title, type: text, required: true, max: 60}
stages:
  - {key: draft, name: 草稿, name_en: Draft, initial: true}
  - {key: submitted, name: 已提交, name_en: Submitted}
  - {key: review, name: 专家评审, name_en: Review}
  - {key: approved, name: 立项, name_en: Approved, terminal: true}
  - {key: rejected, name: 未立项, name_en: Rejected, terminal: true}
transitions:
  - {key: submit, name: 提交申报, name_en: Submit, from: draft, to: submitted, by: [owner]}
  - {key: return, name: 退回修改, name_en: Return, from: submitted, to: draft, by: ["role:manager"]}
  - {key: start_review, name: 提交专家评审, name_en: Send to review, from: submitted, to: review, by: ["role:manager"]}
  - {key: approve, name: 批准立项, name_en: Approve, from: review, to: approved, by: ["role:manager"]}
  - {key: reject, name: 不予立项, name_en: Reject, from: review, to: rejected, by: ["role:manager"]}
review:
  rounds: 1
  reviewers_per_record: 2
  aggregate: mean
  criteria:
    - {key: merit, name: 技术水平, name_en: Merit, weight: 1, min: 0, max: 100}
`

// BlindTemplate is a small program with a blind review by one expert.
const BlindTemplate = `key: test_blind
name: 测试匿名评审项目
name_en: Blind test program
version: 1
form:
  - {key: title, label: 项目名称, label_en: Title, type: text, required: true, max: 60}
  - {key: amount_requested, label: 申请金额, label_en: Amount, type: money, required: true, min: 0, max: 5000000}
  - {key: partner, label: 合作单位, label_en: Partner, type: organisation}
  - {key: plan, label: 实施方案, label_en: Plan, type: file, required: true}
  - key: team
    label: 团队
    type: table
    columns:
      - {key: name, label: 姓名, type: text, required: true}
      - {key: role, label: 分工, type: text}
      - {key: unit, label: 所在单位, type: organisation}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: screened, name: 形式审查通过}
  - {key: review, name: 专家评审}
  - {key: approved, name: 立项, terminal: true}
  - {key: rejected, name: 未立项, terminal: true}
transitions:
  - {key: submit, name: 提交申报, from: draft, to: submitted, by: [owner], requires: [title, amount_requested, plan]}
  - {key: screen, name: 形式审查通过, from: submitted, to: screened, by: ["role:manager"]}
  - {key: start_review, name: 提交专家评审, from: screened, to: review, by: ["role:manager"]}
  - {key: approve, name: 批准立项, from: review, to: approved, by: ["role:manager"], rule: "review.submitted >= 1", message: 须有专家评分。, amount: approved}
  - {key: reject, name: 不予立项, from: [submitted, review], to: rejected, by: ["role:manager"]}
review:
  rounds: 1
  reviewers_per_record: 1
  blind: true
  aggregate: mean
  criteria:
    - {key: merit, name: 技术水平, name_en: Merit, weight: 1, min: 0, max: 100}
`
