package world

// initBox prepares a new account's update state and message box.
func (w *World) initBox(a *account) {
	a.date = w.now()
}
