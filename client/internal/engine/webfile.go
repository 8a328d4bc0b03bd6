package engine

import "github.com/mtgo-labs/mtgo/tl/tg"

// learnWebfileDC records the data center serving web files (upload.getWebFile is answered
// there only) from a help.getConfig answer.
func (e *Engine) learnWebfileDC(cfg *tg.Config) {
	e.mu.Lock()
	e.webfileDC = int(cfg.WebfileDCID)
	e.mu.Unlock()
}

// WebfileDC returns config.webfile_dc_id as the last help.getConfig answered it, 0 before
// the first (the home data center then serves the call).
func (e *Engine) WebfileDC() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.webfileDC
}
