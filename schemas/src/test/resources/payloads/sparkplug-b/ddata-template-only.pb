˜´Ùòž4
Motor ’"	MotorType