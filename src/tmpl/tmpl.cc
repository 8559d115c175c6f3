// The bridge from C to ctemplate. Kept to what the pages need; every entry
// point catches exceptions so none crosses into C.
#include "tmpl/tmpl.h"

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary.h>

#include <cstdio>
#include <new>
#include <string>

using ctemplate::TemplateDictionary;

static TemplateDictionary *D(struct tmpl_dict *d)
{
	return reinterpret_cast<TemplateDictionary *>(d);
}

static struct tmpl_dict *C(TemplateDictionary *d)
{
	return reinterpret_cast<struct tmpl_dict *>(d);
}

extern "C" int tmpl_init(const char *root_dir)
{
	try {
		return ctemplate::mutable_default_template_cache()->SetTemplateRootDirectory(
		           root_dir)
		           ? 0
		           : -1;
	} catch (...) {
		return -1;
	}
}

extern "C" void tmpl_reload(void)
{
	try {
		ctemplate::mutable_default_template_cache()->ReloadAllIfChanged(
		    ctemplate::TemplateCache::LAZY_RELOAD);
	} catch (...) {
	}
}

extern "C" struct tmpl_dict *tmpl_dict_new(void)
{
	try {
		return C(new TemplateDictionary("page"));
	} catch (...) {
		return nullptr;
	}
}

extern "C" void tmpl_dict_free(struct tmpl_dict *d)
{
	delete D(d);
}

extern "C" void tmpl_set(struct tmpl_dict *d, const char *key, const char *value)
{
	if (d == nullptr)
		return;
	try {
		D(d)->SetValue(key, value ? value : "");
	} catch (...) {
	}
}

extern "C" void tmpl_set_n(struct tmpl_dict *d, const char *key, const char *value, size_t n)
{
	if (d == nullptr)
		return;
	try {
		D(d)->SetValue(key, ctemplate::TemplateString(value ? value : "", value ? n : 0));
	} catch (...) {
	}
}

extern "C" void tmpl_set_int(struct tmpl_dict *d, const char *key, long long value)
{
	char tmp[32];
	std::snprintf(tmp, sizeof(tmp), "%lld", value);
	tmpl_set(d, key, tmp);
}

extern "C" void tmpl_show(struct tmpl_dict *d, const char *section)
{
	if (d == nullptr)
		return;
	try {
		D(d)->ShowSection(section);
	} catch (...) {
	}
}

extern "C" struct tmpl_dict *tmpl_add(struct tmpl_dict *d, const char *section)
{
	if (d == nullptr)
		return nullptr;
	try {
		return C(D(d)->AddSectionDictionary(section));
	} catch (...) {
		return nullptr;
	}
}

extern "C" struct tmpl_dict *tmpl_include(struct tmpl_dict *d, const char *name, const char *file)
{
	if (d == nullptr)
		return nullptr;
	try {
		TemplateDictionary *inc = D(d)->AddIncludeDictionary(name);
		inc->SetFilename(file);
		return C(inc);
	} catch (...) {
		return nullptr;
	}
}

extern "C" int tmpl_expand(const char *file, const struct tmpl_dict *d,
                           void (*emit)(void *ctx, const char *text, size_t len), void *ctx)
{
	if (d == nullptr)
		return -1;
	try {
		std::string out;
		out.reserve(16384);
		if (!ctemplate::ExpandTemplate(file, ctemplate::STRIP_BLANK_LINES,
		                               reinterpret_cast<const TemplateDictionary *>(d),
		                               &out)) {
			std::fprintf(stderr, "custodian: template %s failed to expand\n", file);
			return -1;
		}
		emit(ctx, out.data(), out.size());
		return 0;
	} catch (...) {
		return -1;
	}
}
