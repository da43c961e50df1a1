package portalsim

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// digitFont is a 3x5 bitmap of the digits 0-9, a row a string.
var digitFont = [10][5]string{
	{"###", "#.#", "#.#", "#.#", "###"}, {".#.", "##.", ".#.", ".#.", "###"},
	{"###", "..#", "###", "#..", "###"}, {"###", "..#", "###", "..#", "###"},
	{"#.#", "#.#", "###", "..#", "..#"}, {"###", "#..", "###", "..#", "###"},
	{"###", "#..", "###", "#.#", "###"}, {"###", "..#", "..#", "..#", "..#"},
	{"###", "#.#", "###", "#.#", "###"}, {"###", "#.#", "###", "..#", "###"},
}

// captchaPNG draws the answer as the portal's 驗證碼 image: digits on a
// noisy background, so that a person solving it at a prompt can read it.
func captchaPNG(answer string) []byte {
	const scale, pad = 6, 6
	w := pad*2 + len(answer)*4*scale
	h := pad*2 + 5*scale
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(220 + (x*7+y*13)%30)
			img.Set(x, y, color.RGBA{v, v, 235, 255})
		}
	}
	for i, ch := range answer {
		if ch < '0' || ch > '9' {
			continue
		}
		glyph := digitFont[ch-'0']
		for gy, row := range glyph {
			for gx, c := range row {
				if c != '#' {
					continue
				}
				for dy := 0; dy < scale; dy++ {
					for dx := 0; dx < scale; dx++ {
						img.Set(pad+(i*4+gx)*scale+dx, pad+gy*scale+dy+(i%2)*2, color.RGBA{30, 40, 120, 255})
					}
				}
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
