#include "util/err.h"

enum err fail_with(struct failure *f, enum err kind, const char *code, const char *message)
{
	f->kind = kind;
	f->code = code;
	f->message = message;
	return kind;
}
