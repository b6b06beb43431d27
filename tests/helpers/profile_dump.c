/* Test helper: decodes and parses profile files into a table that starts
 * from a model's factory defaults, as the profile command will, and prints
 * what it found. Used by the profile integration tests until
 * `provscope profile` exists.
 *
 * Usage: profile_dump [--model M] [--key K] [--max-size BYTES]
 *                     [--show-secrets] [--all] FILE...
 * Output (stdout), one record a line, fields separated by tabs:
 *   #file    PATH FORMAT encrypted=yes|no kdf=md5|sha256|- compressed=yes|no set=N
 *   #finding ID PATH:LINE[:COLUMN] DETAIL (errors and warnings; line 0
 *                                          when not tied to a line)
 *   #note    PATH TEXT
 *   NAME VALUE ACCESS SOURCE LINE         (parameters the files named; all
 *                                          of them with --all)
 * Secret values print as ******** unless --show-secrets. Exit status 0, 8
 * when any error finding was raised, 2 on a usage or read error. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/finding.h"
#include "phone/catalogue.h"
#include "profile/decode.h"
#include "profile/defaults.h"
#include "profile/params.h"
#include "profile/spc.h"
#include "profile/xml.h"

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	unsigned char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Prints s with tabs and line breaks turned into spaces. */
static void put_field(const char *s)
{
	for (; s && *s; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static bool print_issue(const struct ps_profile_issue *is, const char *path)
{
	if (is->id == PS_F_COUNT)
		return false;
	printf("#finding\t%s\t%s:%u", ps_finding_name(is->id), path, is->line);
	if (is->column)
		printf(":%u", is->column);
	putchar('\t');
	put_field(is->detail);
	putchar('\n');
	return ps_finding_severity(is->id) == PS_SEV_ERROR;
}

static void usage(void)
{
	fputs("usage: profile_dump [--model M] [--key K] [--max-size BYTES] [--show-secrets] "
	      "[--all] FILE...\n",
	      stderr);
}

int main(int argc, char **argv)
{
	const struct ps_model *model = ps_model_default();
	struct ps_decode_opts opts = { 0 };
	bool show = false, all = false;
	int i;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--show-secrets") == 0) {
			show = true;
		} else if (strcmp(a, "--all") == 0) {
			all = true;
		} else if (i + 1 < argc && strcmp(a, "--model") == 0) {
			model = ps_model_find(argv[++i]);
			if (!model) {
				fprintf(stderr, "profile_dump: unknown model %s\n", argv[i]);
				return 2;
			}
		} else if (i + 1 < argc &&
			   (strcmp(a, "--key") == 0 || strcmp(a, "--profile-key") == 0)) {
			opts.key = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--max-size") == 0) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(argv[++i], &end, 10);
			if (errno || *end || !v) {
				usage();
				return 2;
			}
			opts.max_size = (size_t)v;
		} else {
			usage();
			return 2;
		}
	}
	if (i >= argc) {
		usage();
		return 2;
	}

	struct ps_params *t = ps_params_new();
	ps_params_load_defaults(t, model);
	int status = 0;
	for (; i < argc; i++) {
		const char *path = argv[i];
		size_t len;
		unsigned char *data = read_file(path, &len);
		if (!data) {
			fprintf(stderr, "profile_dump: %s: %s\n", path, strerror(errno));
			ps_params_free(t);
			return 2;
		}
		struct ps_decoded d;
		int rc = ps_profile_decode(data, len, &opts, &d);
		free(data);
		struct ps_parse_result r;
		ps_parse_result_init(&r);
		if (rc == 0 && d.format == PS_PROFILE_XML)
			ps_profile_parse_xml((const char *)d.data, d.len, path, t, &r);
		else if (rc == 0 && d.format == PS_PROFILE_SPC_TEXT)
			ps_profile_parse_spc((const char *)d.data, d.len, path, t, &r);
		printf("#file\t%s\t%s\tencrypted=%s\tkdf=%s\tcompressed=%s\tset=%zu\n", path,
		       ps_profile_format_name(d.format), d.encrypted ? "yes" : "no",
		       d.kdf ? d.kdf : "-", d.compressed ? "yes" : "no", r.n_set);
		bool bad = print_issue(&d.error, path);
		print_issue(&d.warning, path);
		bad |= print_issue(&r.error, path);
		print_issue(&r.warning, path);
		for (size_t k = 0; k < r.n_notes; k++) {
			printf("#note\t%s\t", path);
			put_field(r.notes[k]);
			putchar('\n');
		}
		if (bad)
			status = PS_EXIT_PROFILE;
		ps_parse_result_clear(&r);
		ps_decoded_clear(&d);
	}
	for (size_t k = 0; k < ps_params_count(t); k++) {
		const struct ps_param *p = ps_params_at(t, k);
		if (!all && p->line == 0 && strcmp(p->source, "factory default") == 0)
			continue;
		put_field(p->name);
		putchar('\t');
		put_field(ps_param_display(p, show));
		printf("\t%s\t", p->access ? p->access : "-");
		put_field(p->source);
		printf("\t%u\n", p->line);
	}
	ps_params_free(t);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 2;
	return status;
}
