
Cabinet Door p