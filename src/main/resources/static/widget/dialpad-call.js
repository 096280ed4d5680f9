// placeholder DialpadCall
