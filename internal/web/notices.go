package web

import (
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// noticesPage lists the caller's notifications.
func (s *Server) noticesPage(w http.ResponseWriter, r *http.Request) error {
	pr := info(r).principal
	ns, err := program.Notices(r.Context(), s.db, pr.UserID, pr.OrgID, 100)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "notices", s.newPage(w, r, "notices.title", ns))
}

// readNotices marks the caller's notifications read.
func (s *Server) readNotices(w http.ResponseWriter, r *http.Request) error {
	pr := info(r).principal
	if err := program.MarkRead(r.Context(), s.db, pr.UserID, pr.OrgID); err != nil {
		return err
	}
	http.Redirect(w, r, "/notices", http.StatusSeeOther)
	return nil
}
