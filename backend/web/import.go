package web

import (
	"mime/multipart"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
	"ideenmarkt/backend/csvimport"
)

// importIdeas takes a multipart upload: the file "ideas" (CSV), optionally
// "comments" (CSV) and dryRun=true to check without writing. Format problems
// and rule violations come back together (App.Import) as one 422 with a line
// per error.
func (s *Server) importIdeas(c *fiber.Ctx) error {
	ideasFile, err := c.FormFile("ideas")
	if err != nil {
		return badRequest(backend.FieldError{Field: "ideas", Code: "required", DE: "Bitte eine CSV-Datei mit Ideen wählen.", EN: "Please choose a CSV file of ideas."})
	}
	dryRun := false
	if v := c.FormValue("dryRun"); v != "" {
		// "yes" must not import for real what was meant as a check.
		if dryRun, err = strconv.ParseBool(v); err != nil {
			return badRequest(backend.FieldError{Field: "dryRun", Code: "type", DE: "Bitte true oder false angeben.", EN: "Please give true or false."})
		}
	}
	commentsFile, _ := c.FormFile("comments")
	req, err := readImport(ideasFile, commentsFile)
	if err != nil {
		return err
	}
	req.DryRun = dryRun
	res, err := s.app.Import(c.UserContext(), actorOf(c), c.Params("slug"), req)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func readImport(ideas, comments *multipart.FileHeader) (backend.ImportRequest, error) {
	f, err := ideas.Open()
	if err != nil {
		return backend.ImportRequest{}, err
	}
	defer f.Close()
	var cf multipart.File
	if comments != nil {
		if cf, err = comments.Open(); err != nil {
			return backend.ImportRequest{}, err
		}
		defer cf.Close()
	}
	if cf == nil {
		return csvimport.Read(f, nil)
	}
	return csvimport.Read(f, cf)
}
