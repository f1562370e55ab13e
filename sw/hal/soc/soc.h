/* The SoC's memory map and peripheral registers (fpga/rtl/soc_top.v). */
#ifndef SOC_H
#define SOC_H

#include <stdint.h>

#define SOC_UART_BASE   0x10000000u
#define SOC_TIMER_BASE  0x10001000u
#define SOC_DMA_BASE    0x10002000u
#define SOC_SYS_BASE    0x10003000u
#define SOC_SMMU_BASE   0x20000000u

/* UART */
#define UART_TXDATA     0x00u
#define UART_STATUS     0x04u
#define UART_STATUS_BUSY 0x1u

/* timer */
#define TIMER_CYCLE_LO  0x00u
#define TIMER_CYCLE_HI  0x04u
#define TIMER_US_LO     0x08u
#define TIMER_US_HI     0x0Cu
#define TIMER_CLK_MHZ   0x10u

/* DMA engine (soc_dma.v) */
#define DMA_SRC_LO      0x00u
#define DMA_SRC_HI      0x04u
#define DMA_DST_LO      0x08u
#define DMA_DST_HI      0x0Cu
#define DMA_LEN         0x10u
#define DMA_SID         0x14u
#define DMA_SID_SSV     0x80000000u
#define DMA_ATTR        0x18u   /* [3:0] AxCACHE, [6:4] AxPROT, [9:8] domain, [12] No_snoop */
#define DMA_CTRL        0x1Cu
#define DMA_STATUS      0x20u
#define DMA_ERR_ADDR_LO 0x24u
#define DMA_ERR_ADDR_HI 0x28u
#define DMA_COUNT       0x2Cu
#define DMA_ST_BUSY     0x01u
#define DMA_ST_DONE     0x02u
#define DMA_ST_ERR      0x04u
#define DMA_ST_BADPARAM 0x08u
#define DMA_ST_RESP(s)  (((s) >> 4) & 3u)
#define DMA_ST_WRITE    0x40u

/* system control */
#define SYS_EXIT        0x00u
#define SYS_LEDS        0x04u
#define SYS_IRQ_PEND    0x08u
#define SYS_DN_RD_MON   0x0Cu
#define SYS_DN_WR_MON   0x10u
#define SYS_DN_RD_ADDR  0x14u
#define SYS_DN_WR_ADDR  0x18u
#define SYS_RAM_BYTES   0x1Cu
#define SYS_MSI_PEND    0x20u   /* MSI vectors received (bit n: vector n); write 1 to clear */
#define SOC_MSI_DOORBELL 0x10003100u /* the SMMU's MSI target: a write of v sets vector v */
#define IRQ_EVENTQ      0x1u
#define IRQ_CMD_SYNC    0x2u
#define IRQ_GERROR      0x4u
#define IRQ_DMA         0x8u
#define IRQ_MSI         0x10u   /* any bit of SYS_MSI_PEND */
#define IRQ_PMCG        0x20u   /* a PMCG counter overflowed (wired) */

static inline uint32_t mmio_rd(uint32_t base, uint32_t off)
{
    return *(volatile uint32_t *)(uintptr_t)(base + off);
}

static inline void mmio_wr(uint32_t base, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)(base + off) = v;
}

#endif
