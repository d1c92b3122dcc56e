// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the JSON parser, the blob checker and every validation rule, plus the
 * round-trip invariant: a valid JSON config decodes to JSON that compiles to the same blob.
 * Inputs starting with a blob magic go to the blob checker, the others to the JSON parser.
 */
#include <stdlib.h>
#include <string.h>

#include "cellconf.h"

static struct cc_config *sys, *other;

static struct cc_config *load(const char *name)
{
	char path[512];
	struct cc_diags d;
	struct cc_config *c;

	snprintf(path, sizeof(path), "%s/%s", CONFIGS_DIR, name);
	cc_diags_init(&d);
	c = cc_load_file(path, &d);
	cc_diags_free(&d);
	if (!c)
		abort();
	return c;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	struct cc_config *c;
	struct cc_diags d;
	FILE *null;

	if (!sys) {
		sys = load("system.json");
		other = load("gic-demo.json");
	}
	cc_diags_init(&d);
	if (len >= 4 && (!memcmp(data, "CVSY", 4) || !memcmp(data, "CVCL", 4)))
		c = cc_load_blob("fuzz", data, len, &d);
	else
		c = cc_load_json("fuzz", (const char *)data, len, &d);
	if (c) {
		const struct cc_config *set[2] = { other, c };
		bool valid = cc_validate(c, c->kind == CC_KIND_CELL ? sys : NULL, 0, &d);
		char *json = cc_to_json(c);

		cc_validate_set(set, 2, sys, &d);
		null = fopen("/dev/null", "w");
		cc_print(c, null);
		fclose(null);
		if (valid && c->from_json) {
			struct cc_diags e;
			struct cc_config *again;

			cc_diags_init(&e);
			again = cc_load_json("again", json, strlen(json), &e);
			if (!again || again->blob_size != c->blob_size ||
			    memcmp(again->blob, c->blob, c->blob_size)) {
				fprintf(stderr, "round trip changed the blob:\n%s", json);
				abort();
			}
			cc_free(again);
			cc_diags_free(&e);
		}
		free(json);
		cc_free(c);
	}
	for (size_t i = 0; i < d.count; i++)
		if (!d.items[i].text[0])
			abort();
	cc_diags_free(&d);
	return 0;
}
