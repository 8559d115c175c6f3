#include "http/request.h"

const char *req_param(struct req *r, const char *name)
{
	return r->io.param(r->io.ctx, name);
}

const char *req_str(const struct req *r, enum key k)
{
	return r->fields[k].state == FIELD_OK ? r->fields[k].s : NULL;
}

long long req_int(const struct req *r, enum key k, long long def)
{
	return r->fields[k].state == FIELD_OK ? r->fields[k].i : def;
}

bool req_can_write(const struct req *r)
{
	return r->user.role >= ROLE_OPERATOR;
}
