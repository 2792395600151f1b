// temporary: replaced by the codec implementation
