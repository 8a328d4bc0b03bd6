package emit

func (e *emitter) roundTrip(f *file) {}
