// Verilator bench of the SoC: clocks soc_top, decodes the UART line (the real serial
// output, at the simulation's bit time) to stdout, and ends on the firmware's EXIT
// register write (1 = pass), a CPU trap, or the cycle limit.
//
//   soc_sim [--cycles N] [--trace file.fst] [--uart-div N]
// Exit status: 0 pass, 1 fail (firmware verdict, trap or cycle limit).
#include <verilated.h>
#if VM_TRACE
#include <verilated_fst_c.h>
#endif

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "Vsoc_top.h"

namespace {

// 8N1 receiver sampling the middle of each bit.
struct UartRx {
    unsigned div;
    int state = -1; // -1 idle, 0 start bit, 1..8 data bits, 9 stop bit
    unsigned cnt = 0;
    unsigned byte = 0;
    bool prev = true;

    explicit UartRx(unsigned d) : div(d) {}

    // Returns a received character or -1.
    int step(bool line)
    {
        int out = -1;
        if (state < 0) {
            if (prev && !line) {
                state = 0;
                cnt = div / 2; // middle of the start bit
            }
        } else if (cnt-- == 0) {
            cnt = div - 1;
            if (state == 0) {
                if (line)
                    state = -1; // glitch, not a start bit
                else
                    state = 1, byte = 0;
            } else if (state <= 8) {
                byte |= (line ? 1u : 0u) << (state - 1);
                state++;
            } else {
                if (line)
                    out = (int)byte;
                else
                    std::fprintf(stderr, "soc_sim: UART framing error\n");
                state = -1;
            }
        }
        prev = line;
        return out;
    }
};

} // namespace

int main(int argc, char **argv)
{
    uint64_t max_cycles = 20000000;
    const char *trace = nullptr;
    unsigned div = SOC_UART_DIV;

    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--cycles") && i + 1 < argc)
            max_cycles = std::strtoull(argv[++i], nullptr, 0);
        else if (!std::strcmp(argv[i], "--trace") && i + 1 < argc)
            trace = argv[++i];
        else if (!std::strcmp(argv[i], "--uart-div") && i + 1 < argc)
            div = (unsigned)std::strtoul(argv[++i], nullptr, 0);
        else if (argv[i][0] != '+') {
            std::fprintf(stderr, "usage: %s [--cycles N] [--trace f.fst] [--uart-div N]\n",
                         argv[0]);
            return 2;
        }
    }

    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    auto top = std::make_unique<Vsoc_top>(ctx.get());
#if VM_TRACE
    std::unique_ptr<VerilatedFstC> fst;
    if (trace) {
        ctx->traceEverOn(true);
        fst = std::make_unique<VerilatedFstC>();
        top->trace(fst.get(), 99);
        fst->open(trace);
    }
#else
    if (trace) {
        std::fprintf(stderr, "soc_sim: built without trace support (make soc-sim TRACE=1)\n");
        return 2;
    }
#endif

    UartRx rx(div);
    uint64_t cyc = 0;
    int verdict = -1; // -1 running, 0 pass, 1 fail
    uint64_t t = 0;

    top->clk = 0;
    top->rst_n = 0;
    top->eval();
    while (verdict < 0) {
        top->rst_n = cyc >= 8;
        top->clk = 1;
        top->eval();
#if VM_TRACE
        if (fst)
            fst->dump(t);
#endif
        t++;
        top->clk = 0;
        top->eval();
#if VM_TRACE
        if (fst)
            fst->dump(t);
#endif
        t++;
        cyc++;

        int c = rx.step(top->uart_tx);
        if (c >= 0) {
            std::putchar(c);
            if (c == '\n')
                std::fflush(stdout);
        }
        if (top->exit_valid) {
            // Let the UART finish the last character before judging.
            for (unsigned k = 0; k < 12 * div; k++) {
                top->clk = 1;
                top->eval();
                top->clk = 0;
                top->eval();
                cyc++;
                int c2 = rx.step(top->uart_tx);
                if (c2 >= 0)
                    std::putchar(c2);
            }
            std::fflush(stdout);
            verdict = top->exit_code == 1 ? 0 : 1;
            std::printf("\nsoc_sim: EXIT 0x%x after %llu cycles: %s\n", (unsigned)top->exit_code,
                        (unsigned long long)cyc, verdict ? "FAIL" : "PASS");
        } else if (top->trap) {
            std::fflush(stdout);
            std::printf("\nsoc_sim: CPU trap after %llu cycles: FAIL\n", (unsigned long long)cyc);
            verdict = 1;
        } else if (cyc >= max_cycles) {
            std::fflush(stdout);
            std::printf("\nsoc_sim: cycle limit %llu reached: FAIL\n", (unsigned long long)cyc);
            verdict = 1;
        }
    }
#if VM_TRACE
    if (fst)
        fst->close();
#endif
    top->final();
    return verdict;
}
