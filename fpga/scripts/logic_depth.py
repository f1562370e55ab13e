#!/usr/bin/env python3
"""The deepest register-to-register paths of a synthesized ECP5 netlist, in LUT levels.

    logic_depth.py NETLIST.json [--top N] [--module NAME]

NETLIST.json is Yosys `synth_ecp5 -json` output (fpga/scripts/fmax.sh writes it as
OUT/smmu_fmax.json). Place and route reports one critical path, and routing moves it
from run to run; the logic depth shows every deep path of the netlist at once, in
seconds, so the next pipeline cut can be chosen before a 40-minute place and route.

Unit delays, a rough model of an ECP5 slice: a LUT4 is one level, a PFUMX/L6MUX21 (the
wider-LUT muxes) 0.3, a CCU2C 1 from its data inputs and 0.1 (carry out) or 0.3 (sum)
from its carry in, a TRELLIS_DPR16X4 (LUT RAM) 1 from its read address, an unregistered
MULT18X18D (what Yosys makes of a multiplication, e.g. a table index times a stride
that is not a power of two) 3 from its A and B inputs. Paths start at
flip-flop outputs, block-RAM outputs and the top's inputs; they end at flip-flop inputs
(data, clock enable, set/reset) and the write inputs of LUT and block RAMs. Routing is
not modelled: on ECP5 it is most of the delay, roughly in proportion to the levels.

Output: one line per endpoint register (bits of one register together), deepest first,
with the path's start and the named signals it passes through (Yosys's generated cell
suffixes dropped).
"""
import argparse
import json
import re
import sys

SEQUENTIAL = {'TRELLIS_FF', 'DP16KD', 'TRELLIS_IO', 'EHXPLLL', 'DCCA'}
MULT_DELAY = 3.0    # an ECP5 multiplier used combinationally, in LUT levels
ENDPOINT_PINS = {'TRELLIS_FF': ('DI', 'CE', 'LSR'), 'TRELLIS_DPR16X4': ('DI', 'WAD', 'WRE')}
# the suffixes Yosys's techmapping appends to a signal's name
GENERATED = re.compile(r'_(LUT4|PFUMX|L6MUX21|CCU2C|TRELLIS_FF|TRELLIS_DPR16X4|DP16KD)_.*$')


def registered(cell):
    """a MULT18X18D with any of its input, pipeline or output registers in use"""
    return any(k.startswith('REG_') and str(v).strip('"') != 'NONE'
               for k, v in cell.get('parameters', {}).items())


def depths(mod, hops=None):
    """{endpoint register: (levels, [named signals from the start to it])}; with hops (a
    dict), also hops[endpoint] = every step of its deepest path, from the start: (levels,
    cell type, the names of the step's output bit)"""
    cells = mod['cells']

    # a readable name per net bit: a named net before a generated one, the shorter first
    name = {}
    alias = {}      # every named net bit of a net bit, as NAME[INDEX]
    for n, v in mod['netnames'].items():
        rank = (v.get('hide_name', 0), len(n))
        for i, b in enumerate(v['bits']):
            if isinstance(b, int) and (b not in name or rank < name[b][0]):
                name[b] = (rank, n)
            if isinstance(b, int) and not v.get('hide_name', 0):
                alias.setdefault(b, []).append('%s[%d]' % (n, i) if len(v['bits']) > 1 else n)
    driver = {}
    for c, v in cells.items():
        for p, d in v['port_directions'].items():
            if d == 'output':
                for b in v['connections'][p]:
                    if isinstance(b, int):
                        driver[b] = (c, p)

    memo = {}

    def deepest(con, pins, delay):
        """(the latest arrival among the pins' bits + delay, that bit)"""
        best = (0.0, None)
        for p in pins:
            for x in con.get(p, []):
                a = arrival(x)[0] + delay
                # (a tie goes to a net over a constant pin, so the path ends at a register)
                if a > best[0] or (a == best[0] and isinstance(x, int)
                                   and not isinstance(best[1], int)):
                    best = (a, x)
        return best

    def arrival(bit):
        """(levels, the input bit the deepest path came through) of a net bit"""
        if not isinstance(bit, int):
            return (0.0, None)
        if bit in memo:
            return memo[bit]
        memo[bit] = (0.0, None)         # combinational loops (none expected) end here
        if bit not in driver:
            return memo[bit]
        cell, pin = driver[bit]
        typ = cells[cell]['type']
        con = cells[cell]['connections']

        def through(pins, delay):
            return deepest(con, pins, delay)
        if typ in SEQUENTIAL or (typ == 'MULT18X18D' and registered(cells[cell])):
            res = (0.0, None)
        elif typ == 'MULT18X18D':
            res = through([p for p in con if re.fullmatch(r'[AB]\d+', p)], MULT_DELAY)
        elif typ == 'LUT4':
            res = through('ABCD', 1.0)
        elif typ == 'PFUMX':
            res = through(('ALUT', 'BLUT', 'C0'), 0.3)
        elif typ == 'L6MUX21':
            res = through(('D0', 'D1', 'SD'), 0.3)
        elif typ == 'CCU2C':
            data0 = ('A0', 'B0', 'C0', 'D0')
            data = data0 + ('A1', 'B1', 'C1', 'D1')
            if pin == 'S0':
                res = max(through(data0, 1.0), through(('CIN',), 0.3))
            elif pin == 'S1':
                res = max(through(data, 1.1), through(('CIN',), 0.35))
            else:
                res = max(through(data, 1.1), through(('CIN',), 0.1))
        elif typ == 'TRELLIS_DPR16X4':
            res = through(('RAD',), 1.0)
        else:
            ins = [p for p, d in cells[cell]['port_directions'].items() if d == 'input']
            res = through(ins, 1.0)
        memo[bit] = res
        return res

    def base(n):
        return GENERATED.sub('', n)

    ends = {}
    for c, v in cells.items():
        typ = v['type']
        con = v['connections']
        pins = ENDPOINT_PINS.get(typ)
        if typ == 'DP16KD':
            pins = [p for p, d in v['port_directions'].items() if d == 'input']
        if not pins:
            continue
        best = deepest(con, pins, 0.0)
        if typ == 'TRELLIS_FF':
            key = re.sub(r'\[\d+\]$', '', base(name[con['Q'][0]][1]))
        else:
            key = base(c) + ' (RAM write)'
        if key not in ends or best[0] > ends[key][0]:
            ends[key] = best

    out = {}
    for key, (lev, bit) in ends.items():
        path = []
        while bit is not None:
            path.append(base(name[bit][1]) if bit in name else '?')
            bit = arrival(bit)[1]
        path.reverse()
        out[key] = (lev, [p for p in dict.fromkeys(path) if not p.startswith('$')])
        if hops is not None:
            steps, bit = [], ends[key][1]
            while bit is not None:
                typ = cells[driver[bit][0]]['type'] if bit in driver else 'input'
                steps.append((arrival(bit)[0], typ,
                              sorted(alias.get(bit, ['?']), key=len)[:4]))
                bit = arrival(bit)[1]
            hops[key] = steps[::-1]
    return out


def self_test():
    """A hand-made netlist with known depths: the unit delays and the path walk."""
    def cell(typ, **pins):
        dirs = {p: ('output' if p in ('Q', 'Z', 'S0', 'S1', 'COUT', 'DO') else 'input')
                for p in pins}
        return {'type': typ, 'port_directions': dirs, 'connections': pins}
    mod = {
        'netnames': {'a_q': {'bits': [2]}, 'l1': {'bits': [3]}, 'l2': {'bits': [4]},
                     'mx': {'bits': [5]}, 'cy': {'bits': [6]}, 'b_q': {'bits': [7]},
                     'ram_do': {'bits': [8]}, 'l3': {'bits': [9]}, 'c_q': {'bits': [10]},
                     '$auto$x': {'bits': [11], 'hide_name': 1}, 'prod': {'bits': [13]},
                     'd_q': {'bits': [14]}},
        'cells': {
            'ffa': cell('TRELLIS_FF', DI=[7], Q=[2]),
            # (a constant on its first pin: the path still goes back to a_q)
            'lut1': cell('LUT4', A=['0'], B=[2], C=['0'], D=['0'], Z=[3]),
            'lut2': cell('LUT4', A=[3], B=[2], C=['0'], D=['0'], Z=[4]),
            'mux': cell('PFUMX', ALUT=[4], BLUT=[2], C0=[2], Z=[5]),
            'ccu': cell('CCU2C', A0=[5], B0=['0'], C0=['0'], D0=['0'], A1=['0'], B1=['0'],
                        C1=['0'], D1=['0'], CIN=['0'], S0=[11], S1=[12], COUT=[6]),
            'ffb': cell('TRELLIS_FF', DI=[6], Q=[7]),
            'ram': cell('TRELLIS_DPR16X4', RAD=[2, 2, 2, 2], DI=[3], WAD=[2, 2, 2, 2],
                        WRE=[2], DO=[8]),
            'lut3': cell('LUT4', A=[8], B=['0'], C=['0'], D=['0'], Z=[9]),
            'ffc': cell('TRELLIS_FF', DI=[9], Q=[10]),
            'mul': cell('MULT18X18D', A0=[10], B0=[2], P0=[13]),
            'ffd': cell('TRELLIS_FF', DI=[13], Q=[14]),
        }}
    mod['cells']['mul']['port_directions']['P0'] = 'output'
    hops = {}
    got = depths(mod, hops)
    # b_q: LUT4, LUT4, PFUMX, CCU2C carry out (1 + 1 + 0.3 + 1.1); c_q: LUT RAM read, LUT4
    # d_q: an unregistered multiplier from c_q
    want = {'b_q': (3.4, ['a_q', 'l1', 'l2', 'mx', 'cy']), 'c_q': (2.0, ['a_q', 'ram_do', 'l3']),
            'd_q': (MULT_DELAY, ['c_q', 'prod'])}
    bad = []
    for k in ('b_q', 'c_q', 'd_q'):
        lev, path = got.get(k, (None, None))
        if lev is None or abs(lev - want[k][0]) > 1e-9 or path != want[k][1]:
            bad.append('%s: got %r, want %r' % (k, got.get(k), want[k]))
    if 'ram (RAM write)' not in got or abs(got['ram (RAM write)'][0] - 1.0) > 1e-9:
        bad.append('RAM write endpoint: got %r, want 1.0' % (got.get('ram (RAM write)'),))
    # --path: b_q's steps from its start register, each with its level and cell type
    steps = [(round(lev, 6), typ) for lev, typ, _ in hops.get('b_q', [])]
    want_steps = [(0.0, 'TRELLIS_FF'), (1.0, 'LUT4'), (2.0, 'LUT4'), (2.3, 'PFUMX'),
                  (3.4, 'CCU2C')]
    if steps != want_steps:
        bad.append('b_q steps: got %r, want %r' % (steps, want_steps))
    for b in bad:
        print('logic_depth self-test: ' + b)
    print('logic_depth self-test: %s' % ('FAILED' if bad else 'ok (4 endpoints)'))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('netlist', nargs='?')
    ap.add_argument('--top', type=int, default=20, help='endpoint registers to list')
    ap.add_argument('--module', help='top module (default: the netlist\'s top)')
    ap.add_argument('--path', metavar='REGEX',
                    help='every step of the deepest path into the endpoints matching REGEX')
    ap.add_argument('--self-test', action='store_true',
                    help='check the delay model on a hand-made netlist (make test)')
    args = ap.parse_args()
    sys.setrecursionlimit(1 << 20)
    if args.self_test:
        return self_test()
    if not args.netlist:
        ap.error('a netlist is needed (or --self-test)')
    modules = json.load(open(args.netlist))['modules']
    top = args.module or next(m for m, v in modules.items()
                              if v.get('attributes', {}).get('top'))
    hops = {}
    ends = depths(modules[top], hops)
    if args.path:
        keys = sorted((k for k in ends if re.search(args.path, k)), key=lambda k: -ends[k][0])
        if not keys:
            print('logic_depth: no endpoint matches %s' % args.path, file=sys.stderr)
            return 1
        for key in keys[:args.top]:
            print('%5.1f  %s' % (ends[key][0], key))
            for lev, typ, names in hops[key]:
                print('  %5.1f  %-15s %s' % (lev, typ, '  '.join(names)))
        return 0
    for key, (lev, named) in sorted(ends.items(), key=lambda e: -e[1][0])[:args.top]:
        print('%5.1f  %s  <-  %s' % (lev, key, named[0] if named else '?'))
        if len(named) > 1:
            print('       through ' + ' > '.join(named[1:]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
