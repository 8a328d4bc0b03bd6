package teletest

// WebFile stores data as the content behind url (http or https), served with mimeType by
// upload.getWebFile to everyone shown a web document of url: the thumb or content of an inline
// result sent by URL, or world.World.WebDocument. The test server never reaches the internet;
// a web document whose URL no test registered answers LOCATION_INVALID. It fails the test for
// a URL, type or size Telegram refuses (world.World.RegisterWebFile).
func (s *Scenario) WebFile(url string, data []byte, mimeType string) {
	s.tb.Helper()
	if err := s.cl.world.RegisterWebFile(url, data, mimeType); err != nil {
		s.tb.Fatalf("teletest: register web file %s: %v", url, err)
	}
}
