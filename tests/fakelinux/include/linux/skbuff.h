struct sk_buff { unsigned int len; };
