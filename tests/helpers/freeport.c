/* Test helper: prints free TCP ports on 127.0.0.1 (default one; "-n N" for
 * N distinct ones). The kernel picks them; they are free when printed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = 1;
	if (argc == 3 && strcmp(argv[1], "-n") == 0)
		n = atoi(argv[2]);
	if (n < 1 || n > 64) {
		fputs("usage: freeport [-n N]\n", stderr);
		return 2;
	}
	int fds[64];
	for (int i = 0; i < n; i++) {
		struct sockaddr_in a;
		memset(&a, 0, sizeof a);
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		socklen_t l = sizeof a;
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a, sizeof a) < 0 ||
		    getsockname(fds[i], (struct sockaddr *)&a, &l) < 0) {
			perror("freeport");
			return 1;
		}
		printf("%u\n", ntohs(a.sin_port));
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}
