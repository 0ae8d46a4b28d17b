€ßýðž4
bdSeq X