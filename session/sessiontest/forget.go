package sessiontest

// ForgetPermanentKeys drops every permanent auth key the server knows, as a server does whose
// key was revoked: bindings of temporary keys to them are refused from then on with 400
// PERM_AUTH_KEY_INVALID. Temporary keys already bound keep working until they are replaced.
func (s *Server) ForgetPermanentKeys() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range s.keys {
		if _, temp := s.temp[id]; !temp {
			delete(s.keys, id)
		}
	}
}
