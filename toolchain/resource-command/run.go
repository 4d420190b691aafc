package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// run executes script the way upstream does: through the interpreter (default `/bin/sh -c`),
// in dir (default the program directory), with the process environment plus `environment`,
// and PULUMI_COMMAND_STDOUT/STDERR from the previous run unless addPreviousOutputInEnv is false.
// It records stdout/stderr (without the final newline) into state.
func (p *commandProvider) run(
	ctx context.Context, urn resource.URN, script string, inputs, state resource.PropertyMap,
) error {
	args := []string{"/bin/sh", "-c"}
	if interp := stringList(inputs, "interpreter"); len(interp) > 0 {
		args = interp
	}
	args = append(args, script)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	if dir, ok := stringInput(inputs, "dir"); ok {
		cmd.Dir = dir
	}
	cmd.Env = os.Environ()
	for k, v := range stringMap(inputs, "environment") {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if keep, ok := boolInput(inputs, "addPreviousOutputInEnv"); !ok || keep {
		if s, ok := stringInput(state, "stdout"); ok && s != "" {
			cmd.Env = append(cmd.Env, "PULUMI_COMMAND_STDOUT="+s)
		}
		if s, ok := stringInput(state, "stderr"); ok && s != "" {
			cmd.Env = append(cmd.Env, "PULUMI_COMMAND_STDERR="+s)
		}
	}
	if stdin, ok := stringInput(inputs, "stdin"); ok && stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}

	logging, _ := stringInput(inputs, "logging")
	if logging == "" {
		logging = "stdoutAndStderr"
	}
	var stdout, stderr bytes.Buffer
	var wg sync.WaitGroup
	cmd.Stdout = p.tee(ctx, urn, &stdout, logging == "stdout" || logging == "stdoutAndStderr", &wg)
	cmd.Stderr = p.tee(ctx, urn, &stderr, logging == "stderr" || logging == "stdoutAndStderr", &wg)
	err := cmd.Run()
	closeAll(cmd.Stdout, cmd.Stderr)
	wg.Wait()

	state["stdout"] = resource.NewStringProperty(strings.TrimSuffix(stdout.String(), "\n"))
	state["stderr"] = resource.NewStringProperty(strings.TrimSuffix(stderr.String(), "\n"))
	if err != nil {
		return fmt.Errorf("command %q failed: %w; stderr: %s", script, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// tee captures a stream and, when log is set, forwards each line to the engine's log.
func (p *commandProvider) tee(
	ctx context.Context, urn resource.URN, buf *bytes.Buffer, log bool, wg *sync.WaitGroup,
) io.Writer {
	if !log || p.host == nil {
		return buf
	}
	r, w := io.Pipe()
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
		for sc.Scan() {
			line := sc.Text()
			buf.WriteString(line + "\n")
			_ = p.host.LogStatus(ctx, diag.Info, urn, line)
		}
		_, _ = io.Copy(buf, r) // keep whatever followed an over-long line
	}()
	return w
}

func closeAll(ws ...io.Writer) {
	for _, w := range ws {
		if c, ok := w.(io.Closer); ok {
			_ = c.Close()
		}
	}
}
